package dev.l2r.lead.history;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Rows a caller writes in the same transaction as a chunk of stage changes (a webhook delivery's parked items), so
 * that they commit or roll back with the changes. A lost race retries the chunk in a new transaction: {@link #write}
 * may run more than once and must count afresh each time.
 */
@FunctionalInterface
public interface Alongside {

    void write(Connection c) throws SQLException;
}
