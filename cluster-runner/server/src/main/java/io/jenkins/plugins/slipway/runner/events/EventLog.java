package io.jenkins.plugins.slipway.runner.events;

import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import io.jenkins.plugins.slipway.runner.store.Database;
import io.jenkins.plugins.slipway.runner.store.ReleaseRepository;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every release's events: persisted first (so a reader that reconnects with {@code Last-Event-ID}, or a
 * restarted runner, sees the same sequence), then handed to live subscribers.
 */
public final class EventLog {
    private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);

    private final Database db;
    private final ReleaseRepository releases;
    private final Map<String, List<Consumer<ReleaseEvent>>> subscribers = new ConcurrentHashMap<>();

    public EventLog(Database db, ReleaseRepository releases) {
        this.db = db;
        this.releases = releases;
    }

    /**
     * An event decided but not recorded yet: a release pass records its events in the transaction that saves its
     * status, so that a failed save neither loses them nor lets the next pass repeat them.
     *
     * @param phase the release's phase when the event happened
     */
    public record Pending(String type, Phase phase, String message, Map<String, Object> data) {
    }

    /** Records an event of {@code releaseId} with the next sequence number and tells the live subscribers. */
    public ReleaseEvent append(String releaseId, String app, String type, Phase phase, String message,
                               Map<String, Object> data) {
        return appendAll(releaseId, app, List.of(new Pending(type, phase, message, data))).get(0);
    }

    /** Records events of {@code releaseId} in one transaction of their own, then tells the live subscribers. */
    public List<ReleaseEvent> appendAll(String releaseId, String app, List<Pending> pending) {
        List<ReleaseEvent> recorded = db.tx(c -> record(c, releaseId, app, pending));
        publish(recorded);
        return recorded;
    }

    /**
     * Records events of {@code releaseId} in the caller's transaction, numbered after the last one stored. The
     * caller hands the answer to {@link #publish} once the transaction has committed.
     */
    public List<ReleaseEvent> record(Connection c, String releaseId, String app, List<Pending> pending)
            throws SQLException {
        List<ReleaseEvent> out = new ArrayList<>();
        long seq = pending.isEmpty() ? 0 : releases.lastSequence(c, releaseId);
        for (Pending p : pending) {
            ReleaseEvent e = new ReleaseEvent(++seq, p.type(), releaseId, app, Instant.now().toString(), p.phase(),
                    p.message(), p.data());
            releases.appendEvent(c, e);
            out.add(e);
        }
        return out;
    }

    /** Logs committed events and hands them to the live subscribers of their release. */
    public void publish(List<ReleaseEvent> recorded) {
        for (ReleaseEvent event : recorded) {
            LOG.info("[{}] {} {}", event.app(), event.type(), event.message());
            for (Consumer<ReleaseEvent> s : subscribers.getOrDefault(event.release(), List.of())) {
                try {
                    s.accept(event);
                } catch (RuntimeException ex) {
                    LOG.warn("Event subscriber failed: {}", ex.toString());
                }
            }
        }
    }

    /** Stored events of a release after sequence {@code after}. */
    public List<ReleaseEvent> since(String releaseId, String app, long after) {
        return db.tx(c -> releases.events(c, releaseId, app, after));
    }

    /** Live events of a release from now on, until the returned handle is closed. */
    public AutoCloseable follow(String releaseId, Consumer<ReleaseEvent> listener) {
        subscribers.computeIfAbsent(releaseId, k -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> subscribers.computeIfPresent(releaseId, (k, list) -> {
            list.remove(listener);
            return list.isEmpty() ? null : list;
        });
    }
}
