package dev.l2r.lead.history;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.TransitionKind;
import dev.l2r.events.timeline.StageObservation;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One accepted stage change, append-only. */
@Entity
@Table(name = "stage_transition")
public class StageTransition extends PanacheEntityBase {

    @Id
    @Column(name = "event_id")
    public UUID eventId;

    @Column(name = "lead_id", nullable = false)
    public String leadId;

    @Column(name = "from_stage")
    public String fromStage;

    @Column(name = "to_stage", nullable = false)
    public String toStage;

    /** Null for a dormant observation (no move when it arrived). */
    @Enumerated(EnumType.STRING)
    public TransitionKind kind;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "skipped_stages", nullable = false)
    public List<String> skippedStages;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    @Column(name = "recorded_at", nullable = false)
    public Instant recordedAt;

    @Column(nullable = false)
    public String source;

    @Column(name = "source_event_id")
    public String sourceEventId;

    @Column(name = "raw_stage")
    public String rawStage;

    public BigDecimal amount;
    public String currency;
    public String channel;
    public String segment;
    public String owner;
    public String campaign;

    /** The stored webhook delivery this change was read from, if any. */
    @Column(name = "delivery_id")
    public Long deliveryId;

    public boolean published;

    public static List<StageTransition> ofLead(String leadId) {
        return list("leadId", leadId);
    }

    public StageObservation observation() {
        return new StageObservation(eventId, toStage, occurredAt);
    }

    public LeadAttributes attributes() {
        return new LeadAttributes(channel, segment, owner, campaign);
    }
}
