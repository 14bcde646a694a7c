package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A release's events as they come, kept in order, with a way to wait for the next burst of them. When the
 * stream drops it resubscribes from the last event seen (as {@code watch} does).
 */
final class ReleaseFeed implements AutoCloseable {
    private static final int MAX_RECONNECTS = 20;
    private static final Object EVENT = new Object();
    private static final Object ENDED = new Object();

    private final RunnerClient client;
    private final String release;
    private final PrintWriter err;
    private final List<ReleaseEvent> events = new ArrayList<>();
    private final BlockingQueue<Object> signals = new LinkedBlockingQueue<>();
    private RunnerClient.EventSubscription subscription;
    private int reconnects;
    private boolean ended;

    ReleaseFeed(RunnerClient client, String release, PrintWriter err) {
        this.client = client;
        this.release = release;
        this.err = err;
        subscribe();
    }

    String release() {
        return release;
    }

    synchronized List<ReleaseEvent> events() {
        return List.copyOf(events);
    }

    private synchronized long lastId() {
        return events.isEmpty() ? 0 : events.get(events.size() - 1).id();
    }

    private void subscribe() {
        subscription = client.subscribe(release, lastId(), e -> {
            synchronized (this) {
                events.add(e);
            }
            signals.add(EVENT);
        }, failure -> signals.add(failure == null ? ENDED : failure));
    }

    /**
     * Waits up to {@code first} for an event, then until the stream has been quiet for {@code quiet} (at most
     * {@code maxDelay}). Returns false once the release's stream has ended (its terminal event was seen).
     */
    boolean awaitBatch(Duration first, Duration quiet, Duration maxDelay) throws InterruptedException {
        if (ended) {
            return false;
        }
        Object signal = signals.poll(first.toMillis(), TimeUnit.MILLISECONDS);
        long deadline = System.nanoTime() + maxDelay.toNanos();
        while (signal != null) {
            if (signal == ENDED) {
                ended = true;
                return false;
            }
            if (signal instanceof Throwable why) {
                reconnect(why);
            }
            if (System.nanoTime() > deadline) {
                break;
            }
            signal = signals.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
        }
        return true;
    }

    private void reconnect(Throwable why) throws InterruptedException {
        subscription.close();
        if (++reconnects > MAX_RECONNECTS) {
            throw new IllegalStateException("event stream of " + release + " dropped " + MAX_RECONNECTS + " times: "
                    + why.getMessage());
        }
        err.println("slipway-runner: event stream dropped (" + why.getMessage() + "), reconnecting");
        Thread.sleep(Duration.ofSeconds(1).toMillis());
        subscribe();
    }

    @Override
    public void close() {
        subscription.close();
    }
}
