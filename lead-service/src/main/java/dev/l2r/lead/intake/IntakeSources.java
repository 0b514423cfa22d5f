package dev.l2r.lead.intake;

/** The source a request counts under in the metrics before its body names one: from its path. */
final class IntakeSources {

    private IntakeSources() {
    }

    static String of(String path) {
        String p = path.startsWith("/") ? path : "/" + path;
        if (p.startsWith("/api/webhooks/")) {
            String rest = p.substring("/api/webhooks/".length());
            int slash = rest.indexOf('/');
            return slash < 0 ? rest : rest.substring(0, slash);
        }
        if (p.startsWith(BodyLimits.IMPORTS)) {
            return "import";
        }
        return "api";
    }
}
