package dev.l2r.forecast.revenuetargets;

import dev.l2r.forecast.model.RevenueTarget;
import dev.l2r.forecast.projection.BulkInsert;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** The revenue targets, replaced as a whole set. */
@ApplicationScoped
public class TargetStore {

    @Inject
    AgroalDataSource dataSource;

    public List<Target> all() throws SQLException {
        List<Target> targets = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT from_date, to_date, owner, segment, amount, currency "
                     + "FROM revenue_target ORDER BY from_date, owner NULLS FIRST, segment NULLS FIRST")) {
            while (rs.next()) {
                targets.add(new Target(rs.getObject(1, LocalDate.class), rs.getObject(2, LocalDate.class),
                        rs.getString(3), rs.getString(4), rs.getBigDecimal(5), rs.getString(6)));
            }
        }
        return targets;
    }

    @Transactional(rollbackOn = Exception.class)
    public void replace(List<Target> targets) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            // TRUNCATE, not DELETE: a plan of 100,000 targets replaced again and again left a DELETE scanning the
            // dead rows of every earlier one. Readers wait for the commit (its lock) and then read the new plan.
            try (Statement s = c.createStatement()) {
                s.executeUpdate("TRUNCATE revenue_target");
            }
            // one COPY for the whole plan: a plan of 100,000 targets is put at once
            BulkInsert insert = new BulkInsert("revenue_target", "from_date date", "to_date date", "owner text",
                    "segment text", "amount numeric", "currency text");
            for (Target t : targets) {
                insert.add(t.from(), t.to(), t.owner(), t.segment(), t.amount(), t.currency());
            }
            insert.copy(c);
        }
    }

    /** The targets as the model uses them: [from, to + 1 day) in UTC. */
    public List<RevenueTarget> revenueTargets() throws SQLException {
        return all().stream().map(t -> new RevenueTarget(t.from().atStartOfDay(ZoneOffset.UTC).toInstant(),
                t.to().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(), t.owner(), t.segment(), t.amount(),
                t.currency())).toList();
    }
}
