package dev.l2r.lead.history;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A lead as lead-service knows it now: its current stage and its segmenting attributes. */
@Entity
@Table(name = "lead")
public class Lead extends PanacheEntityBase {

    @Id
    @Column(name = "lead_id")
    public String leadId;

    @Column(name = "current_stage", nullable = false)
    public String currentStage;

    @Column(name = "current_since", nullable = false)
    public Instant currentSince;

    @Column(name = "first_seen_at", nullable = false)
    public Instant firstSeenAt;

    @Column(name = "first_touch_channel")
    public String firstTouchChannel;

    @Column(name = "last_touch_channel")
    public String lastTouchChannel;

    public String segment;
    public String owner;
    public String campaign;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
