package io.jenkins.plugins.slipway.runner.api;

import io.jenkins.plugins.slipway.runner.Json;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Feeds one release's events to an {@link EventStream}: the stored ones after {@code Last-Event-ID} first, then
 * the live ones, each once and in sequence, and ends the stream after the terminal event. Live events that arrive
 * while the replay is being written wait in a queue; duplicates of replayed events are skipped by sequence.
 */
final class EventFollower {
    private final EventStream stream;
    private final Queue<ReleaseEvent> live = new ConcurrentLinkedQueue<>();
    private long last;
    private boolean replayed;

    EventFollower(EventStream stream, long lastEventId) {
        this.stream = stream;
        this.last = lastEventId;
    }

    /** The live subscriber: called on whatever thread appends the event. */
    void live(ReleaseEvent e) {
        live.add(e);
        drain();
    }

    /** Writes the stored events; ends the stream when the release ended and nothing newer is coming. */
    synchronized void replay(List<ReleaseEvent> stored, boolean releaseEnded) {
        for (ReleaseEvent e : stored) {
            write(e);
        }
        replayed = true;
        drain();
        if (releaseEnded && live.isEmpty()) {
            stream.end();
        }
    }

    private synchronized void drain() {
        if (!replayed) {
            return;
        }
        for (ReleaseEvent e = live.poll(); e != null; e = live.poll()) {
            write(e);
        }
    }

    private void write(ReleaseEvent e) {
        if (e.id() <= last || !stream.isOpen()) {
            return;
        }
        stream.send(e.id(), e.type(), Json.write(e));
        last = e.id();
        if (e.isTerminal()) {
            stream.end();
        }
    }
}
