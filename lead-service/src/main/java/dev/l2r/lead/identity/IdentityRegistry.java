package dev.l2r.lead.identity;

import dev.l2r.lead.history.HistoryStore;
import dev.l2r.lead.history.RecordingFailed;
import dev.l2r.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one place a sender's id becomes a lead id, and a lead id is found again from what a caller knows. A
 * personal sender id (an email) gets a random pseudonym the first time it is seen, recorded under its keyed hash
 * ({@link IdentityHash}, key {@code L2R_IDENTITY_KEY}); every other id is the lead id it always was. Ids absorbed
 * by a merge are resolved to their survivor where changes are recorded ({@code TransitionRecorder}) and here, for
 * the {@code {id}} paths.
 */
@ApplicationScoped
public class IdentityRegistry {

    @ConfigProperty(name = "l2r.identity.key")
    Optional<String> key;

    @Inject
    HistoryStore history;

    @Inject
    IdentityStore store;

    Pseudonyms pseudonyms = new Pseudonyms();
    Clock clock = Clock.systemUTC();

    /** While {@link #withoutClaiming} runs on a thread: the unstored pseudonyms it answered, by keyed hash. */
    private final ThreadLocal<Map<ByteBuffer, String>> unclaimed = new ThreadLocal<>();

    /** What {@link #withoutClaiming} read, and whether a personal id seen for the first time was met in it. */
    public record Unclaimed<T>(T value, boolean withheld) {
    }

    /**
     * Runs {@code read} with no personal id recorded on first sight: such an id gets a pseudonym that is stored
     * nowhere (the same one each time it comes up in {@code read}); a known one answers its lead id as always. For
     * reading a delivery that may repeat an erased person's: recording it nowhere must not take their keyed hash
     * back into the registry (docs/privacy.md). When one was withheld, the ids read are not to be recorded.
     */
    public <T> Unclaimed<T> withoutClaiming(Supplier<T> read) {
        Map<ByteBuffer, String> outer = unclaimed.get();
        Map<ByteBuffer, String> mine = outer != null ? outer : new HashMap<>();
        int before = mine.size();
        unclaimed.set(mine);
        try {
            T value = read.get();
            return new Unclaimed<>(value, mine.size() > before);
        } finally {
            if (outer == null) {
                unclaimed.remove();
            }
        }
    }

    /**
     * The lead id of {@code senderId} as {@code source} sends it: {@code prefix + senderId}, or, when the id is
     * personal, its pseudonym {@code prefix + "p-" + 26 base32}, made on first sight. Without an identity key a
     * personal id cannot be taken: 503, so that the sender retries once one is configured. Inside
     * {@link #withoutClaiming} a new identity is answered an unstored pseudonym instead.
     */
    @Transactional
    public String leadIdFor(String source, String prefix, String senderId) {
        if (!PersonalIds.isPersonal(senderId)) {
            return prefix + senderId;
        }
        byte[] hash = hash().of(source, senderId);
        try (Connection c = history.connection()) {
            Map<ByteBuffer, String> withheld = unclaimed.get();
            if (withheld == null) {
                return store.claim(c, hash, pseudonyms.next(prefix), clock.instant());
            }
            String known = store.leadOfIdentity(c, hash);
            return known != null ? known : withheld.computeIfAbsent(ByteBuffer.wrap(hash), h -> pseudonyms.next(prefix));
        } catch (SQLException e) {
            throw new RecordingFailed(e);
        }
    }

    /**
     * The lead id of a REST, batch, CSV or generic-webhook client's own id: the id itself (a pseudonym whose key
     * the client holds), or, for a personal id, its pseudonym {@code <source>:p-<26 base32>}.
     */
    public String clientLeadId(String source, String id) {
        return PersonalIds.isPersonal(id) ? leadIdFor(source, source + ":", id) : id;
    }

    /**
     * The lead an id given to a {@code {id}} path means: a lead id, an id merged into another lead (its survivor),
     * or a sender's personal identity written {@code <source>:<value>} ({@code segment:alice@example.com}).
     * Empty for a personal identity never seen (or erased); otherwise the id to look up.
     */
    @Transactional
    public Optional<String> find(String id) {
        try (Connection c = history.connection()) {
            String leadId = id;
            int colon = id.indexOf(':');
            if (colon > 0 && PersonalIds.isPersonal(id.substring(colon + 1)) && key.filter(k -> !k.isBlank()).isPresent()) {
                leadId = store.leadOfIdentity(c, hash().of(id.substring(0, colon), id.substring(colon + 1)));
                if (leadId == null) {
                    return Optional.empty();
                }
            }
            return Optional.of(store.survivors(c, List.of(leadId)).get(leadId));
        } catch (SQLException e) {
            throw new RecordingFailed(e);
        }
    }

    private IdentityHash hash() {
        String k = key.filter(v -> !v.isBlank()).orElseThrow(() -> new ProblemException(503, "Unavailable", null,
                "no identity key is configured (L2R_IDENTITY_KEY): personal ids cannot be taken until one is", null));
        return new IdentityHash(k);
    }
}
