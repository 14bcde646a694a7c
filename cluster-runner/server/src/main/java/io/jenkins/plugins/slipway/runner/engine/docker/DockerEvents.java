package io.jenkins.plugins.slipway.runner.engine.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.EventsCmd;
import com.github.dockerjava.api.model.Event;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a filtered stream of Docker events and subscribes again whenever it ends: the transport's response
 * timeout closes an idle stream, and the daemon may restart. Best effort: whoever listens also polls, which
 * covers the gaps.
 */
public final class DockerEvents implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DockerEvents.class);

    private final String what;
    private final Supplier<EventsCmd> command;
    private final Consumer<Event> listener;
    private volatile boolean closed;
    private volatile ResultCallback.Adapter<Event> current;

    private DockerEvents(String what, Supplier<EventsCmd> command, Consumer<Event> listener) {
        this.what = what;
        this.command = command;
        this.listener = listener;
    }

    /**
     * Starts following.
     *
     * @param what     the stream's name in log lines ({@code Docker}, {@code Swarm})
     * @param command  a new, filtered events command for each subscription
     * @param listener called on every event
     */
    public static DockerEvents follow(String what, Supplier<EventsCmd> command, Consumer<Event> listener) {
        DockerEvents events = new DockerEvents(what, command, listener);
        events.subscribe();
        return events;
    }

    private void subscribe() {
        if (closed) {
            return;
        }
        ResultCallback.Adapter<Event> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Event event) {
                listener.accept(event);
            }

            @Override
            public void onError(Throwable throwable) {
                LOG.debug("{} event stream ended: {}", what, throwable.toString());
                resubscribeLater();
            }

            @Override
            public void onComplete() {
                resubscribeLater();
            }
        };
        current = callback;
        try {
            command.get().exec(callback);
        } catch (RuntimeException e) {
            LOG.warn("Cannot follow {} events, relying on polling: {}", what, e.getMessage());
            resubscribeLater();
        }
    }

    private void resubscribeLater() {
        if (!closed) {
            CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(this::subscribe);
        }
    }

    @Override
    public void close() {
        closed = true;
        ResultCallback.Adapter<Event> c = current;
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                LOG.debug("Closing the {} event stream: {}", what, e.toString());
            }
        }
    }
}
