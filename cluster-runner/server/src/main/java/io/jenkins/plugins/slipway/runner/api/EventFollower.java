package io.jenkins.plugins.slipway.runner.api;

import io.jenkins.plugins.slipway.runner.Json;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongFunction;

/**
 * Feeds one release's events to an {@link EventStream}: the stored ones after {@code Last-Event-ID} first, then
 * the live ones, each once and in sequence, and ends the stream after the terminal event. Live events that arrive
 * while the replay is being written wait in a queue; duplicates of replayed events are skipped by sequence.
 *
 * <p>Live events can arrive out of sequence: a release pass commits its events, then updates the router before
 * it publishes them, while an analysis commits the next number and publishes it at once. Writing that one first
 * would make the earlier event look like a duplicate and lose it for this reader (and for every reader that
 * resumes after it), so a gap is filled from the store first: a number is handed out only after every lower one
 * has committed.
 */
final class EventFollower {
    private final EventStream stream;
    private final LongFunction<List<ReleaseEvent>> storedAfter;
    private final Queue<ReleaseEvent> live = new ConcurrentLinkedQueue<>();
    private long last;
    private boolean replayed;

    /**
     * @param storedAfter the release's stored events after a sequence number, in sequence
     */
    EventFollower(EventStream stream, long lastEventId, LongFunction<List<ReleaseEvent>> storedAfter) {
        this.stream = stream;
        this.last = lastEventId;
        this.storedAfter = storedAfter;
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
            if (e.id() > last + 1) {
                fillGapBefore(e.id());
            }
            write(e);
        }
    }

    private void fillGapBefore(long id) {
        for (ReleaseEvent stored : storedAfter.apply(last)) {
            if (stored.id() >= id) {
                return;
            }
            write(stored);
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
