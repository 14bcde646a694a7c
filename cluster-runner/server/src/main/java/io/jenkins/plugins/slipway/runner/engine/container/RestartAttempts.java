package io.jenkins.plugins.slipway.runner.engine.container;

import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.store.Database;
import io.jenkins.plugins.slipway.runner.store.RestartRecord;
import io.jenkins.plugins.slipway.runner.store.RestartRepository;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Restart attempts per slot for {@code max_attempts} and {@code window}. The store holds them, so a restarted
 * runner (even after {@code kill -9}) goes on counting where it was; a copy in memory spares the reconcile
 * pass a query each second. Each change is written before the copy is, so the copy never runs ahead.
 */
final class RestartAttempts {
    private final Database db;
    private final RestartRepository repository;
    private final LongSupplier clock;
    /** By slot; absent means 0 attempts. Null until loaded. */
    private volatile Map<Slot, RestartRecord> bySlot;

    RestartAttempts(Database db, RestartRepository repository, LongSupplier clock) {
        this.db = db;
        this.repository = repository;
        this.clock = clock;
    }

    /** The attempts the slot has used. */
    int attempts(Slot slot) {
        RestartRecord r = loaded().get(slot);
        return r == null ? 0 : r.attempts();
    }

    /** Counts one more attempt, at the moment the runner decides to replace the slot's replica. */
    int countReplacement(Slot slot) {
        RestartRecord r = new RestartRecord(slot.app(), slot.service(), slot.revision(), slot.index(),
                attempts(slot) + 1, 0);
        db.tx(c -> {
            repository.save(c, r);
            return null;
        });
        loaded().put(slot, r);
        return r.attempts();
    }

    /** The replacement is up: the window, when the policy has one, runs from now. */
    void replacementStarted(Slot slot) {
        RestartRecord r = loaded().get(slot);
        if (r == null || r.replacementStartedAt() != 0) {
            return;
        }
        RestartRecord started = new RestartRecord(r.app(), r.service(), r.revision(), r.replica(), r.attempts(),
                clock.getAsLong());
        db.tx(c -> {
            repository.save(c, started);
            return null;
        });
        loaded().put(slot, started);
    }

    /**
     * Called while the slot's replica is seen running: once the latest replacement has been up longer than the
     * policy's window, the slot's attempts go back to 0. Returns whether they did.
     */
    boolean forgiveIfProven(Slot slot, ServiceSpec.RestartPolicy policy) {
        RestartRecord r = loaded().get(slot);
        if (r == null || r.replacementStartedAt() == 0) {
            return false;
        }
        Duration upFor = Duration.ofMillis(clock.getAsLong() - r.replacementStartedAt());
        if (policy.attemptsAfter(r.attempts(), upFor) != 0) {
            return false;
        }
        forget(slot);
        return true;
    }

    /** Forgets every slot not in {@code desired}: its app was deleted, scaled down or released away. */
    void retainOnly(Set<Slot> desired) {
        for (Slot slot : Set.copyOf(loaded().keySet())) {
            if (!desired.contains(slot)) {
                forget(slot);
            }
        }
    }

    private void forget(Slot slot) {
        db.tx(c -> {
            repository.delete(c, slot.app(), slot.service(), slot.revision(), slot.index());
            return null;
        });
        loaded().remove(slot);
    }

    private Map<Slot, RestartRecord> loaded() {
        Map<Slot, RestartRecord> m = bySlot;
        if (m == null) {
            synchronized (this) {
                if (bySlot == null) {
                    Map<Slot, RestartRecord> fresh = new ConcurrentHashMap<>();
                    for (RestartRecord r : db.tx(repository::all)) {
                        fresh.put(new Slot(r.app(), r.service(), r.revision(), r.replica()), r);
                    }
                    bySlot = fresh;
                }
                m = bySlot;
            }
        }
        return m;
    }
}
