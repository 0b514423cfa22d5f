package dev.l2r.platform.consume;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which lead each absorbed lead id now counts for, chains collapsed (A merged into B, B into C: A counts for C), and
 * how a merge changes that. The one rule of merging, used by the live consumers (over the aliases of the ids a batch
 * touches, {@link LeadAliases}) and by a rebuild (over every merge on the topic): the survivor is what the merge's
 * lead id now counts for, the absorbed lead what its merged id now counts for; merging two ids that already count
 * for one lead changes nothing. lead-service absorbs an id at most once and never names an absorbed id as a survivor
 * (it resolves it first), so the end result of a set of merges is the same in any order they are applied.
 */
public final class AliasMap {

    /** A merge that changed something: {@code absorbed} now counts for {@code survivor}. */
    public record Merge(String survivor, String absorbed) {
    }

    private final Map<String, String> roots = new HashMap<>();

    public AliasMap() {
    }

    public AliasMap(Map<String, String> known) {
        roots.putAll(known);
    }

    /** The lead an id counts for: the survivor it was merged into, or itself. */
    public String resolve(String leadId) {
        return roots.getOrDefault(leadId, leadId);
    }

    /** Applies a merge of {@code mergedLeadId} into {@code leadId}; null when they count for one lead already. */
    public Merge merge(String leadId, String mergedLeadId) {
        String survivor = resolve(leadId);
        String absorbed = resolve(mergedLeadId);
        if (survivor.equals(absorbed)) {
            return null;
        }
        roots.replaceAll((id, root) -> root.equals(absorbed) ? survivor : root);
        roots.put(absorbed, survivor);
        roots.put(mergedLeadId, survivor);
        return new Merge(survivor, absorbed);
    }

    /** Forgets every alias of a lead (it was erased); returns the ids that counted for it. */
    public Set<String> forget(String root) {
        Set<String> gone = new HashSet<>();
        roots.entrySet().removeIf(e -> {
            boolean of = e.getValue().equals(root) || e.getKey().equals(root);
            if (of) {
                gone.add(e.getKey());
            }
            return of;
        });
        return gone;
    }

    /** Every alias: absorbed id to the lead it counts for. */
    public Map<String, String> aliases() {
        return Map.copyOf(roots);
    }
}
