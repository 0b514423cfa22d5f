package dev.l2r.platform.problem;

import dev.l2r.platform.problem.DatabaseFailures.Kind;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;

import static dev.l2r.platform.problem.DatabaseFailures.classify;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failures as the drivers and pools raise them (PostgreSQL's SQL states, Agroal's wording) and as the
 * services wrap them; the 503 and 500 bodies themselves are checked against a stopped PostgreSQL in each
 * service's DatabaseOutageTest.
 */
class DatabaseFailuresTest {

    /** lead-service's RecordingFailed, in shape: an unchecked wrapper that keeps the SQLException as cause. */
    static final class Wrapper extends RuntimeException {
        Wrapper(Throwable cause) {
            super("wrapped: " + cause.getMessage(), cause);
        }
    }

    static SQLException state(String sqlState) {
        return new SQLException("server said something", sqlState);
    }

    @Test
    void connectionClassAndShutdownStatesAreUnavailable() {
        for (String s : new String[]{"08000", "08001", "08003", "08004", "08006", "08P01", "57P01", "57P02", "57P03",
                "53300"}) {
            assertThat(classify(state(s))).as(s).isEqualTo(Kind.UNAVAILABLE);
            assertThat(classify(new Wrapper(new IllegalStateException(state(s))))).as("wrapped " + s)
                    .isEqualTo(Kind.UNAVAILABLE);
        }
    }

    @Test
    void otherStatesAreFailures() {
        // unique violation, syntax error, numeric out of range, query canceled, a state-less driver complaint
        for (String s : new String[]{"23505", "42601", "22003", "57014", "40P01", null}) {
            assertThat(classify(state(s))).as(String.valueOf(s)).isEqualTo(Kind.FAILED);
            assertThat(classify(new Wrapper(state(s)))).as("wrapped " + s).isEqualTo(Kind.FAILED);
        }
    }

    @Test
    void agroalsAcquisitionTimeoutIsUnavailable() {
        // io.agroal.pool.ConnectionPool: no SQL state, a fixed message, the creation failure as cause (or none)
        assertThat(classify(new SQLException("Acquisition timeout while waiting for new connection")))
                .isEqualTo(Kind.UNAVAILABLE);
        assertThat(classify(new Wrapper(new SQLException("Acquisition timeout while waiting for new connection",
                new java.util.concurrent.TimeoutException())))).isEqualTo(Kind.UNAVAILABLE);
    }

    @Test
    void aRefusedConnectionCountsOnlyUnderADatabaseCall() {
        assertThat(classify(new SQLException("could not connect", null, new ConnectException("Connection refused"))))
                .isEqualTo(Kind.UNAVAILABLE);
        assertThat(classify(new SQLTransientConnectionException("pool closed"))).isEqualTo(Kind.UNAVAILABLE);
        // a refused connection to something else (a broker, another service) is not the database's
        assertThat(classify(new Wrapper(new ConnectException("Connection refused")))).isEqualTo(Kind.NONE);
    }

    @Test
    void theWholeChainIsReadIncludingSuppressedAndNextExceptions() {
        SQLException batch = new SQLException("Batch entry 0 was aborted", "XX000");
        batch.setNextException(state("57P01"));
        assertThat(classify(new Wrapper(batch))).isEqualTo(Kind.UNAVAILABLE);

        RuntimeException closing = new RuntimeException("rollback failed");
        closing.addSuppressed(state("08006"));
        assertThat(classify(closing)).isEqualTo(Kind.UNAVAILABLE);
    }

    @Test
    void nonDatabaseFailuresAreNone() {
        assertThat(classify(new IllegalStateException("bug"))).isEqualTo(Kind.NONE);
        assertThat(classify(new IOException("client went away"))).isEqualTo(Kind.NONE);
        assertThat(classify(null)).isEqualTo(Kind.NONE);
    }

    @Test
    void aCyclicChainEnds() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertThat(classify(a)).isEqualTo(Kind.NONE);
    }

    @Test
    void retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
        assertThat(ProblemMappers.retryAfterSeconds(Duration.ofSeconds(5))).isEqualTo(5);
        assertThat(ProblemMappers.retryAfterSeconds(Duration.ofMillis(1500))).isEqualTo(2);
        assertThat(ProblemMappers.retryAfterSeconds(Duration.ZERO)).isEqualTo(1);
    }
}
