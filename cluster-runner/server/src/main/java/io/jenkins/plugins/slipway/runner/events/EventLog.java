package io.jenkins.plugins.slipway.runner.events;

import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import io.jenkins.plugins.slipway.runner.store.Database;
import io.jenkins.plugins.slipway.runner.store.ReleaseRepository;
import java.time.Instant;
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

    /** Records an event of {@code releaseId} with the next sequence number and tells the live subscribers. */
    public ReleaseEvent append(String releaseId, String app, String type, Phase phase, String message,
                               Map<String, Object> data) {
        ReleaseEvent event = db.tx(c -> {
            long seq = releases.lastSequence(c, releaseId) + 1;
            ReleaseEvent e = new ReleaseEvent(seq, type, releaseId, app, Instant.now().toString(), phase, message, data);
            releases.appendEvent(c, e);
            return e;
        });
        LOG.info("[{}] {} {}", app, type, message);
        for (Consumer<ReleaseEvent> s : subscribers.getOrDefault(releaseId, List.of())) {
            try {
                s.accept(event);
            } catch (RuntimeException ex) {
                LOG.warn("Event subscriber failed: {}", ex.toString());
            }
        }
        return event;
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
