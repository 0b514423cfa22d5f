package dev.l2r.lead.intake;

/** The source a request counts under in the metrics before its body names one: from its path. */
final class IntakeSources {

    /** Webhook sources; any other path segment counts as "unknown" so that metrics keep a bounded set of tags. */
    private static final java.util.Set<String> WEBHOOKS = java.util.Set.of("hubspot", "mautic", "segment",
            "pipedrive", "salesforce", "generic");

    private IntakeSources() {
    }

    static String of(String path) {
        String p = path.startsWith("/") ? path : "/" + path;
        if (p.startsWith("/api/webhooks/")) {
            String rest = p.substring("/api/webhooks/".length());
            int slash = rest.indexOf('/');
            String source = slash < 0 ? rest : rest.substring(0, slash);
            return WEBHOOKS.contains(source) ? source : "unknown";
        }
        if (p.startsWith(BodyLimits.IMPORTS)) {
            return "import";
        }
        return "api";
    }
}
