package dev.l2r.funnel.live;

import dev.l2r.events.LeadEvent;
import dev.l2r.funnel.storage.ReplayedOffsets;
import dev.l2r.platform.pipeline.Projection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * The funnel's step of the platform pipeline: events go to {@link FunnelProjector}; records below the last
 * rebuild's replay point are in the projections already and are passed over unread ({@link ReplayedOffsets}).
 */
@ApplicationScoped
public class FunnelProjection implements Projection {

    @Inject
    FunnelProjector projector;

    private final ReplayPoint replayPoint = new ReplayPoint() {
        @Override
        public Map<Integer, Long> read(Connection c, String topic) throws SQLException {
            return ReplayedOffsets.read(c, topic);
        }

        @Override
        public void passed(Connection c, String topic, Map<Integer, Long> reached) throws SQLException {
            ReplayedOffsets.passed(c, topic, reached);
        }
    };

    @Override
    public String name() {
        return "funnel";
    }

    @Override
    public int apply(Connection c, List<LeadEvent> events) throws SQLException {
        return projector.apply(c, events);
    }

    @Override
    public ReplayPoint replayPoint() {
        return replayPoint;
    }
}
