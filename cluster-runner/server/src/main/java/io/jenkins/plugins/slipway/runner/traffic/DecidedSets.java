package io.jenkins.plugins.slipway.runner.traffic;

import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The replica sets a release pass routed, by app, until a reconcile pass has read the store after they were saved.
 * <p>
 * A release pass routes what it decided first and saves it after (a promote is in force as soon as it is decided);
 * a reconcile pass reads the store when it starts and routes when it ends, seconds later on a busy machine. Routed
 * as read, such a pass would put a canary's previous weights back, or close the route a first release had just
 * opened, until the release's next pass. So a reconcile pass routes the sets it read only when it read them after
 * the release's save.
 * <p>
 * Order is kept with one counter: a reconcile pass takes a {@link #stamp()} before it reads the store, a save
 * takes one once it is committed; a read stamped after the save has seen it.
 */
final class DecidedSets {
    private final AtomicLong clock = new AtomicLong();
    private final Map<String, Decided> byApp = new ConcurrentHashMap<>();

    /** @param savedAt the stamp taken once they were saved; 0 while they are not yet */
    private record Decided(List<ReplicaSet> sets, long savedAt) {
        boolean seenBy(long readStamp) {
            return savedAt != 0 && readStamp > savedAt;
        }
    }

    /** A stamp for a read of the store about to start. */
    long stamp() {
        return clock.incrementAndGet();
    }

    /** A release pass routed {@code sets}; they are not saved yet. */
    void decided(String app, List<ReplicaSet> sets) {
        byApp.put(app, new Decided(List.copyOf(sets), 0));
    }

    /** What the release pass routed is in the store now (or it did not need saving). */
    void saved(String app) {
        byApp.computeIfPresent(app, (a, d) -> d.savedAt() != 0 ? d : new Decided(d.sets(), clock.incrementAndGet()));
    }

    /**
     * The release pass could not save what it routed: the store keeps the sets a reconcile pass reads, and the
     * release's next pass starts from them again.
     */
    void notSaved(String app) {
        byApp.remove(app);
    }

    /** The app is gone: nothing it decided is routed again. */
    void forget(String app) {
        byApp.remove(app);
    }

    /**
     * The sets to route for a reconcile pass that read {@code read} from the store after taking {@code readStamp}:
     * what a release routed since, unless the read came after its save.
     */
    List<ReplicaSet> newest(String app, List<ReplicaSet> read, long readStamp) {
        Decided d = byApp.get(app);
        if (d == null) {
            return read;
        }
        if (d.seenBy(readStamp)) {
            byApp.remove(app, d);
            return read;
        }
        return d.sets();
    }
}
