package dev.l2r.forecast.consumer;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class RetryTest {

    static SQLException state(String sqlState) {
        return new SQLException("failed", sqlState);
    }

    @Test
    void connectionConflictAndResourceFailuresAreRetried() {
        assertThat(Retry.transient_(state("08006"))).isTrue();
        assertThat(Retry.transient_(state("40001"))).isTrue();
        assertThat(Retry.transient_(state("40P01"))).isTrue();
        assertThat(Retry.transient_(state("53300"))).isTrue();
        assertThat(Retry.transient_(new IllegalStateException("commit", state("57P01")))).isTrue();
        assertThat(Retry.transient_(state("22021"))).isFalse();
        assertThat(Retry.transient_(new IllegalArgumentException("bad"))).isFalse();
    }

    @Test
    void onlyFailuresInTheEventsDataAreTheEventsOwn() {
        // a NUL byte in a text, a value out of range, a constraint: the event's data
        assertThat(Retry.eventSpecific(state("22021"))).isTrue();
        assertThat(Retry.eventSpecific(state("22003"))).isTrue();
        assertThat(Retry.eventSpecific(new RuntimeException(state("23505")))).isTrue();
        // the code failing on one event's content, without any SQL error
        assertThat(Retry.eventSpecific(new IllegalStateException("unexpected stage"))).isTrue();
        // a missing table, a permission, an internal error, a lost connection: every event would fail alike
        assertThat(Retry.eventSpecific(state("42P01"))).isFalse();
        assertThat(Retry.eventSpecific(state("42501"))).isFalse();
        assertThat(Retry.eventSpecific(new RuntimeException(state("XX000")))).isFalse();
        assertThat(Retry.eventSpecific(state("08006"))).isFalse();
    }
}
