package dev.l2r.lead.intake;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The sources whose events come only through a signed webhook: the built-in senders, and the sources the generic
 * webhook is configured to carry ({@code l2r.webhooks.generic.sources}). Nobody may claim them through REST, a
 * batch or an import: a caller posing as {@code pipedrive} could otherwise pre-claim Pipedrive's predictable
 * source event ids, and the genuine deliveries would be dropped as duplicates.
 */
@ApplicationScoped
public class SignedSources {

    public static final Set<String> BUILT_IN = Set.of("hubspot", "mautic", "segment", "pipedrive", "salesforce",
            "generic");

    private final Set<String> names;
    private final Set<String> generic;

    public SignedSources(@ConfigProperty(name = "l2r.webhooks.generic.sources") Optional<List<String>> generic) {
        this.generic = Set.copyOf(generic.orElse(List.of()).stream().map(String::trim).filter(s -> !s.isEmpty())
                .toList());
        Set<String> all = new TreeSet<>(BUILT_IN);
        all.addAll(this.generic);
        this.names = Set.copyOf(all);
    }

    public boolean signed(String source) {
        return source != null && names.contains(source);
    }

    /** The sources the generic webhook carries; empty: any source that is not another sender's. */
    public Set<String> generic() {
        return generic;
    }

    public Set<String> names() {
        return names;
    }
}
