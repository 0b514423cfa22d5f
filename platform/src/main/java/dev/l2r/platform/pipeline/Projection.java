package dev.l2r.platform.pipeline;

import dev.l2r.events.LeadEvent;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * What a service projects: the one step of the {@link Pipeline} that is its own. The pipeline checks the records,
 * opens the transaction, sets aside what cannot be used, retries and counts; the projection only applies events
 * that passed the check. One bean of this type per service.
 */
public interface Projection {

    /** Its name in metrics, dead-letter headers and rows: {@code funnel}, {@code forecast}. */
    String name();

    /**
     * Applies checked events of every kind the contract has ({@link dev.l2r.events.LeadStageChanged},
     * {@link dev.l2r.events.LeadDetailsChanged}, {@link dev.l2r.events.LeadsMerged},
     * {@link dev.l2r.events.LeadErased}), in the order polled, in the caller's transaction ({@code c}, auto-commit
     * off; the pipeline commits or rolls back). The same event may come again (redelivery, a replayed dead letter):
     * applying it twice changes nothing. Batches may run side by side, and a dead letter may be replayed beside them:
     * a projection that rewrites a lead from all its events locks the lead first ({@link LeadLocks}); both
     * projections apply through {@link LeadIdentity}, which locks, resolves merged ids and applies the identity
     * kinds.
     *
     * @return how many of the events were new
     */
    int apply(Connection c, List<LeadEvent> events) throws SQLException;

    /** Where a projection rebuilt from the topic stopped reading it, if it ever is: none by default. */
    default ReplayPoint replayPoint() {
        return null;
    }

    /** A projection that replays the topic itself (funnel-service's rebuild) already holds the records below. */
    interface ReplayPoint {

        /** Per partition, the first offset the last replay did not read; records below are passed over unread. */
        Map<Integer, Long> read(Connection c, String topic) throws SQLException;

        /** The stream has got past these points (per partition, one past the last record polled): forget them. */
        void passed(Connection c, String topic, Map<Integer, Long> reached) throws SQLException;
    }
}
