package dev.l2r.lead.intake;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code source} tag of the intake metrics. Sources are named by clients (any body's {@code source}, an
 * import's {@code ?source=}), and every distinct tag value is a time series kept for the life of the process:
 * the paths' own names keep their tag, the first {@code maxOthers} other names too, and every later one counts
 * as {@value #OTHER}, so a client inventing a source per request cannot grow the metrics without limit.
 */
final class SourceTags {

    static final Set<String> KNOWN = Set.of("api", "import", "hubspot", "mautic", "segment", "pipedrive",
            "salesforce", "generic", "unknown");
    static final String OTHER = "other";

    private final int maxOthers;
    private final Set<String> others = ConcurrentHashMap.newKeySet();

    SourceTags(int maxOthers) {
        this.maxOthers = maxOthers;
    }

    String tag(String source) {
        if (source == null) {
            return "unknown";
        }
        if (KNOWN.contains(source) || others.contains(source)) {
            return source;
        }
        synchronized (others) {
            if (others.size() < maxOthers) {
                others.add(source);
                return source;
            }
        }
        return others.contains(source) ? source : OTHER;
    }
}
