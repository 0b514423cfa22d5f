package dev.l2r.lead.outbox;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OutboxSignalTest {

    private static final Duration NOW = Duration.ZERO;

    @Test
    void wakesTheRelayOnlyAfterTheTransactionCommits() throws Exception {
        FakeTransaction tx = new FakeTransaction();
        OutboxSignal signal = new OutboxSignal(tx);
        signal.appended();
        signal.appended(); // a second append in the same transaction registers nothing more
        assertThat(tx.synchronizations).hasSize(1);
        assertThat(signal.await(NOW)).as("not before the commit").isFalse();
        tx.complete(Status.STATUS_COMMITTED);
        assertThat(signal.await(NOW)).isTrue();
        assertThat(signal.await(NOW)).as("one wake-up per commit").isFalse();
    }

    @Test
    void aRolledBackTransactionWakesNothing() throws Exception {
        FakeTransaction tx = new FakeTransaction();
        OutboxSignal signal = new OutboxSignal(tx);
        signal.appended();
        tx.complete(Status.STATUS_ROLLEDBACK);
        assertThat(signal.await(NOW)).isFalse();
    }

    @Test
    void manyCommitsWhileTheRelayIsBusyAreOneRound() throws Exception {
        FakeTransaction tx = new FakeTransaction();
        OutboxSignal signal = new OutboxSignal(tx);
        for (int i = 0; i < 5; i++) {
            tx.begin();
            signal.appended();
            tx.complete(Status.STATUS_COMMITTED);
        }
        assertThat(signal.await(NOW)).isTrue();
        assertThat(signal.await(NOW)).isFalse();
    }

    @Test
    void withoutATransactionTheRowsAreCommittedAlready() throws Exception {
        FakeTransaction tx = new FakeTransaction();
        tx.status = Status.STATUS_NO_TRANSACTION;
        OutboxSignal signal = new OutboxSignal(tx);
        signal.appended();
        assertThat(signal.await(NOW)).isTrue();
    }

    /** Just enough of a JTA transaction: its status, resources and synchronizations. */
    private static final class FakeTransaction implements TransactionSynchronizationRegistry {
        int status = Status.STATUS_ACTIVE;
        final Map<Object, Object> resources = new HashMap<>();
        final List<Synchronization> synchronizations = new ArrayList<>();

        void begin() {
            status = Status.STATUS_ACTIVE;
            resources.clear();
            synchronizations.clear();
        }

        void complete(int outcome) {
            status = outcome;
            synchronizations.forEach(s -> s.afterCompletion(outcome));
        }

        @Override
        public Object getTransactionKey() {
            return this;
        }

        @Override
        public void putResource(Object key, Object value) {
            resources.put(key, value);
        }

        @Override
        public Object getResource(Object key) {
            return resources.get(key);
        }

        @Override
        public void registerInterposedSynchronization(Synchronization sync) {
            synchronizations.add(sync);
        }

        @Override
        public int getTransactionStatus() {
            return status;
        }

        @Override
        public void setRollbackOnly() {
            status = Status.STATUS_MARKED_ROLLBACK;
        }

        @Override
        public boolean getRollbackOnly() {
            return status == Status.STATUS_MARKED_ROLLBACK;
        }
    }
}
