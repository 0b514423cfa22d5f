package dev.l2r.lead.outbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Tells this replica's relay that rows were committed to the outbox, so an idle relay publishes them at once
 * instead of at its next poll. The poll stays: it serves rows written by other replicas, and any wake-up lost.
 * Wake-ups come after the commit (a relay woken before it would find nothing), never after a rollback.
 */
@ApplicationScoped
public class OutboxSignal {

    private static final Object REGISTERED = new Object();

    private final TransactionSynchronizationRegistry transactions;
    private final Semaphore pending = new Semaphore(0);

    @Inject
    public OutboxSignal(TransactionSynchronizationRegistry transactions) {
        this.transactions = transactions;
    }

    /** Rows were appended in the current transaction (once per transaction is enough). */
    void appended() {
        if (transactions.getTransactionStatus() != Status.STATUS_ACTIVE) {
            wake(); // no transaction: the rows are already committed
            return;
        }
        if (transactions.getResource(REGISTERED) != null) {
            return;
        }
        transactions.putResource(REGISTERED, Boolean.TRUE);
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    wake();
                }
            }
        });
    }

    private void wake() {
        if (pending.availablePermits() == 0) {
            pending.release(); // at most one outstanding: one relay round serves every commit before it
        }
    }

    /** Waits until rows were committed or the timeout passed; true when woken. */
    boolean await(Duration timeout) throws InterruptedException {
        boolean woken = pending.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
        pending.drainPermits();
        return woken;
    }
}
