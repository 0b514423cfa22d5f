package dev.l2r.lead.funnel;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.l2r.events.EventJson;
import dev.l2r.events.FunnelDefinitionChanged;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.lead.outbox.Outbox;
import dev.l2r.platform.problem.Problem;
import dev.l2r.platform.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The funnel in force and its source-value mappings, backed by the versions in the database. The first start
 * stores the canonical funnel with the shipped default mappings as version 1. Every new version, and a version
 * not yet announced at start-up, is announced as a {@link FunnelDefinitionChanged} through the outbox in the
 * same transaction. Replicas see another's change within {@code l2r.funnel.refresh-interval}.
 */
@ApplicationScoped
public class FunnelDefinitions {

    static final String DEFAULT_MAPPINGS = "/funnel/default-mappings.json";

    @Inject
    FunnelStore store;

    @Inject
    Outbox outbox;

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "l2r.topic.funnel-definition.name")
    String topic;

    @ConfigProperty(name = "l2r.funnel.refresh-interval")
    Duration refreshInterval;

    /** Room left in a Kafka record for its key, headers and framing. */
    static final long RECORD_OVERHEAD = 1024;

    @ConfigProperty(name = "l2r.outbox.max-message-size")
    MemorySize maxMessageSize;

    Clock clock = Clock.systemUTC();

    private volatile Snapshot snapshot = new Snapshot(new FunnelVersion(0, null,
            FunnelDefinition.canonical().stages(), defaultMappings()));
    private volatile long checkedAtMillis;

    /** The definition and an index of its mappings. */
    private record Snapshot(FunnelVersion version, FunnelDefinition definition, Map<String, SourceMapping> byKey,
                            Map<String, Set<String>> stagesBySourceValue) {
        Snapshot(FunnelVersion version) {
            this(version, version.definition(), index(version.mappings()), bySourceValue(version.mappings()));
        }

        private static Map<String, SourceMapping> index(List<SourceMapping> mappings) {
            Map<String, SourceMapping> map = new HashMap<>();
            mappings.forEach(m -> map.putIfAbsent(m.key(), m));
            return map;
        }

        private static Map<String, Set<String>> bySourceValue(List<SourceMapping> mappings) {
            return mappings.stream().filter(m -> m.stage() != null).collect(Collectors.groupingBy(
                    m -> SourceMapping.key(m.source(), "", m.value()),
                    Collectors.mapping(SourceMapping::stage, Collectors.toSet())));
        }
    }

    void start(@Observes StartupEvent event) {
        QuarkusTransaction.requiringNew().run(() -> {
            try (Connection c = dataSource.getConnection()) {
                store.lock(c);
                FunnelVersion latest = store.latest(c).orElse(null);
                if (latest == null) {
                    latest = store.append(c, new FunnelVersion.Body(FunnelDefinition.canonical().stages(),
                            defaultMappings()), clock.instant());
                }
                if (!store.announced(c, latest.version())) {
                    announce(c, latest);
                }
                snapshot = new Snapshot(latest);
                checkedAtMillis = System.currentTimeMillis();
            } catch (SQLException e) {
                throw new IllegalStateException("could not read the funnel definition", e);
            }
        });
    }

    public FunnelDefinition current() {
        return fresh().definition();
    }

    public FunnelVersion currentVersion() {
        return fresh().version();
    }

    /** The funnel's key for a stage a client named (case-insensitive), if there is one. */
    public Optional<String> stageKey(String stage) {
        String key = stage == null ? "" : stage.strip().toUpperCase(Locale.ROOT);
        return current().contains(key) ? Optional.of(key) : Optional.empty();
    }

    /** The mapping of one value of one field of a source, if there is one. */
    public Optional<SourceMapping> mapping(String source, String field, String value) {
        return Optional.ofNullable(fresh().byKey().get(SourceMapping.key(source, field, value)));
    }

    /**
     * The stage a source's value means whatever field it came from, when its mappings agree on one (so that a
     * client may send {@code "toStage": "Closed Won"} with {@code "source": "salesforce"}).
     */
    public Optional<String> stageForSourceValue(String source, String value) {
        Set<String> stages = fresh().stagesBySourceValue().get(SourceMapping.key(source, "", value));
        return stages != null && stages.size() == 1 ? Optional.of(stages.iterator().next()) : Optional.empty();
    }

    /**
     * Stores a new version after checking it; {@code mappings} absent keeps the current ones. Stages that
     * recorded transitions went to cannot be removed: history is never rewritten, and would no longer read.
     */
    @Transactional
    public FunnelVersion replace(FunnelVersion.Body proposed) {
        try (Connection c = dataSource.getConnection()) {
            store.lock(c);
            FunnelVersion latest = store.latest(c).orElseThrow();
            FunnelVersion.Body body = new FunnelVersion.Body(proposed.stages(),
                    proposed.mappings() == null ? latest.mappings() : proposed.mappings());
            List<Problem.FieldError> problems = FunnelValidation.problems(body);
            if (!problems.isEmpty()) {
                throw ProblemException.badRequest(problems);
            }
            FunnelDefinition next = new FunnelDefinition(body.stages());
            // the announcement must fit in one Kafka record, or the relay could never send it
            int eventBytes = EventJson.write(new FunnelDefinitionChanged(latest.version() + 1, clock.instant(), next))
                    .getBytes(StandardCharsets.UTF_8).length;
            long maxEvent = maxMessageSize.asLongValue() - RECORD_OVERHEAD;
            if (eventBytes > maxEvent) {
                throw ProblemException.badRequest("stages", "make the definition's announcement " + eventBytes
                        + " bytes; at most " + maxEvent + " fit in one Kafka message (l2r.outbox.max-message-size)");
            }
            List<String> removedInUse = new ArrayList<>();
            for (var stage : latest.stages()) {
                if (!next.contains(stage.key()) && store.stageInUse(c, stage.key())) {
                    removedInUse.add(stage.key());
                }
            }
            if (!removedInUse.isEmpty()) {
                throw new ProblemException(409, "Conflict", "stages", "stages: " + removedInUse
                        + " have recorded transitions and cannot be removed; history is never rewritten",
                        List.of(new Problem.FieldError("stages", "cannot remove stages in use: " + removedInUse)));
            }
            FunnelVersion stored = store.append(c, body, clock.instant());
            announce(c, stored);
            snapshot = new Snapshot(stored);
            return stored;
        } catch (SQLException e) {
            throw new IllegalStateException("could not store the funnel definition", e);
        }
    }

    private void announce(Connection c, FunnelVersion version) throws SQLException {
        outbox.append(c, topic, FunnelDefinitionChanged.KEY,
                new FunnelDefinitionChanged(version.version(), version.changedAt(), version.definition()),
                version.changedAt());
        store.markAnnounced(c, version.version());
    }

    /** The snapshot, re-read when another replica may have stored a newer version. */
    private Snapshot fresh() {
        long now = System.currentTimeMillis();
        if (now - checkedAtMillis < refreshInterval.toMillis()) {
            return snapshot;
        }
        checkedAtMillis = now;
        try (Connection c = dataSource.getConnection()) {
            if (store.latestVersion(c) > snapshot.version().version()) {
                store.latest(c).ifPresent(v -> snapshot = new Snapshot(v));
            }
        } catch (SQLException e) {
            // keep the definition we have; the next check will try again
        }
        return snapshot;
    }

    static List<SourceMapping> defaultMappings() {
        try (InputStream in = FunnelDefinitions.class.getResourceAsStream(DEFAULT_MAPPINGS)) {
            return EventJson.mapper().readValue(in, new TypeReference<List<SourceMapping>>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DEFAULT_MAPPINGS, e);
        }
    }
}
