package dev.l2r.lead.crm;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * One import of a CRM's stage history and how far it got: the pages and records read, what became of the changes
 * read from them (recorded, unchanged, duplicates of changes recorded before, parked until a mapping knows their
 * value, refused), and where it stands in the vendor's paging ({@code phase}, {@code cursor}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CrmImport(long id, String source, State state, Instant since, String phase, String cursor, long pages,
                        long records, long recorded, long unchanged, long duplicates, long parked, long refused,
                        String error, Instant startedAt, Instant updatedAt, Instant finishedAt) {

    public enum State {
        /** Reading (or, after a restart of the service, about to continue from its cursor). */
        RUNNING,
        /** Every page read and recorded. */
        DONE,
        /** Cancelled by an admin; what was recorded stays. */
        CANCELLED,
        /** Stopped by an error the retries could not wait out; resumable from its cursor. */
        FAILED
    }
}
