package dev.l2r.lead.intake;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * The answer to a batch, an import or a webhook delivery. {@code accepted} counts the items taken
 * ({@code recorded} as new transitions plus {@code unchanged}, where the lead already was in that stage);
 * {@code duplicates} repeated a source event id already recorded; {@code rejected} lists the first
 * {@value IntakeRun#MAX_LISTED_REJECTIONS} refused items and {@code rejectedCount} counts them all. A webhook's
 * answer adds the {@code deliveryId} of its stored body, the count of {@code ignored} items and of {@code parked} ones
 * (authentic items whose value no mapping knows yet, kept to be recorded once one does; a retry's items already
 * parked count as {@code duplicates}), and the identity links that merged two leads ({@code linked}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "What became of each item of a batch, import or webhook delivery")
public record IntakeReport(long accepted, long recorded, long unchanged, long duplicates, long rejectedCount,
                           List<Rejection> rejected, Long deliveryId, Integer ignored, Integer parked,
                           Integer linked) {

    /** A webhook's report also counts the items it knows but that are no stage change. */
    public IntakeReport withIgnored(int count) {
        return new IntakeReport(accepted, recorded, unchanged, duplicates, rejectedCount, rejected, deliveryId, count,
                parked, linked);
    }

    /** ...and the identity links it carried that merged two leads (a link already taken merges nothing). */
    public IntakeReport withLinked(int count) {
        return new IntakeReport(accepted, recorded, unchanged, duplicates, rejectedCount, rejected, deliveryId, ignored,
                parked, count);
    }

    /** ...and the items it parked, with those a retry had parked before counted as duplicates. */
    public IntakeReport withParked(int count, int alreadyParked) {
        return new IntakeReport(accepted, recorded, unchanged, duplicates + alreadyParked, rejectedCount, rejected,
                deliveryId, ignored, count, linked);
    }
}
