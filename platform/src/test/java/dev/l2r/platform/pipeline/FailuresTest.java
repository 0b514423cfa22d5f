package dev.l2r.platform.pipeline;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the pipeline waits out and what it holds against a record (forecast-service's RetryTest before the
 * pipeline, with the failures that used to stop its channel now waited out).
 */
class FailuresTest {

    static SQLException state(String sqlState) {
        return new SQLException("failed", sqlState);
    }

    @Test
    void anUnreachableDatabaseIsWaitedOut() {
        for (String s : new String[]{"08000", "08001", "08006", "57P01", "57P02", "57P03", "53300"}) {
            assertThat(Failures.waits(state(s))).as(s).isTrue();
            assertThat(Failures.waits(new IllegalStateException("commit", state(s)))).as("wrapped " + s).isTrue();
        }
        assertThat(Failures.waits(new SQLException("Acquisition timeout while waiting for new connection"))).isTrue();
        assertThat(Failures.waits(new SQLTransientConnectionException("gone"))).isTrue();
        assertThat(Failures.waits(new SQLException("connect", null, new ConnectException("Connection refused"))))
                .isTrue();
    }

    @Test
    void conflictsResourcesAndFailuresOfEveryRecordAlikeAreWaitedOut() {
        // serialization failure, deadlock, disk full, out of memory, missing table or column, permission,
        // unknown database or schema, login refused, I/O error, internal error, database dropped
        for (String s : new String[]{"40001", "40P01", "53100", "53200", "42P01", "42703", "42501", "3D000",
                "3F000", "28P01", "58030", "XX000", "57P04"}) {
            assertThat(Failures.waits(state(s))).as(s).isTrue();
            assertThat(Failures.waits(new RuntimeException(state(s)))).as("wrapped " + s).isTrue();
        }
    }

    @Test
    void failuresThatMayBeTheRecordsOwnAreHeldAgainstIt() {
        // a NUL in a text, a value out of range, a CHECK constraint, a unique violation, a statement cancelled
        for (String s : new String[]{"22021", "22003", "23514", "23505", "57014"}) {
            assertThat(Failures.waits(state(s))).as(s).isFalse();
        }
        // the projection's code failing on one record's content, without any SQL error
        assertThat(Failures.waits(new IllegalStateException("unexpected stage"))).isFalse();
        assertThat(Failures.waits(new NullPointerException())).isFalse();
        // a refused connection outside any database call is not the database's
        assertThat(Failures.waits(new ConnectException("Connection refused"))).isFalse();
        assertThat(Failures.waits(new InterruptedException())).isFalse();
    }

    @Test
    void theStateIsFoundWhereverItIsChained() {
        SQLException batch = new SQLException("batch failed", (String) null);
        batch.setNextException(state("23514"));
        assertThat(Failures.sqlState(new RuntimeException(batch))).isEqualTo("23514");
        RuntimeException suppressing = new RuntimeException("rollback");
        suppressing.addSuppressed(state("22021"));
        assertThat(Failures.sqlState(suppressing)).isEqualTo("22021");
        assertThat(Failures.describe(new RuntimeException(new SQLException("ERROR: violates \"x\"\n  Detail: row",
                "23514")))).isEqualTo("SQL state 23514: ERROR: violates \"x\"");
    }
}
