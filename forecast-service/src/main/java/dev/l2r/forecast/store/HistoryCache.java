package dev.l2r.forecast.store;

import dev.l2r.forecast.model.CalibrationMemo;
import dev.l2r.forecast.model.History;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Set;

/**
 * The projected history held in memory, so that a question reads no rows but those changed since the last one.
 * The projection's tables note which leads each write touched (V6__projection_changes.sql); a question first reads,
 * in one snapshot, the revision and the rows of the leads changed since the revision held, and patches
 * {@link LiveHistory} with them. A TRUNCATE (a rebuild) makes it read everything again.
 */
@ApplicationScoped
public class HistoryCache {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    HistoryStore store;

    private LiveHistory live;
    private long revision = -1;
    private View view;
    private Set<String> currencies;
    /** The forecasts' calibration points, carried from revision to revision as far as the changes allow. */
    private CalibrationMemo calibration = new CalibrationMemo();

    /**
     * The history as of the projection's latest committed revision, and that revision; {@code all} is every row as
     * one {@link History}, made once a revision, so that the models trained on it at any asOf share its index.
     */
    public record View(long revision, LiveHistory.Rows rows, History all, CalibrationMemo calibration) {

        View(long revision, LiveHistory.Rows rows, CalibrationMemo calibration) {
            this(revision, rows, rows.all(), calibration);
        }

        /** The same rows {@link HistoryStore#load} reads for {@code (null, openTo, upTo)}. */
        public History cut(Instant openTo, Instant upTo) {
            return rows.cut(openTo, upTo);
        }
    }

    /** Brings the history up to the latest revision and answers it. */
    public synchronized View view() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            // after a patch: the view before it, and the earliest event time it reached (what was learned before holds)
            View carryFrom = null;
            Instant carryChangedFrom = null;
            boolean autoCommit = c.getAutoCommit();
            int isolation = c.getTransactionIsolation();
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                long[] now = HistoryStore.revision(c);
                if (live == null || now[1] > revision) {
                    LiveHistory fresh = new LiveHistory();
                    fresh.load(HistoryStore.all(c));
                    live = fresh;
                    calibration = new CalibrationMemo();
                    view = null;
                    currencies = null;
                } else if (now[0] > revision) {
                    String[] changed = HistoryStore.changedSince(c, revision);
                    Instant changedFrom = live.replace(Set.of(changed), HistoryStore.rowsOf(c, changed));
                    calibration = calibration.carriedOver(changedFrom);
                    carryFrom = view;
                    carryChangedFrom = changedFrom;
                    view = null;
                    currencies = null;
                }
                if (currencies == null) {
                    currencies = store.currencies(c);
                }
                c.commit();
                revision = now[0];
            } finally {
                c.rollback();
                c.setAutoCommit(autoCommit);
                c.setTransactionIsolation(isolation);
            }
            if (view == null) {
                view = new View(revision, live.rows(), calibration);
                if (carryFrom != null) {
                    view.all().carryLearnedFrom(carryFrom.all(), carryChangedFrom);
                }
            }
            return view;
        }
    }

    /** Every currency an amount has been given in, as {@link HistoryStore#currencies()}, read once a revision. */
    public synchronized Set<String> currencies() throws SQLException {
        view();
        return currencies;
    }
}
