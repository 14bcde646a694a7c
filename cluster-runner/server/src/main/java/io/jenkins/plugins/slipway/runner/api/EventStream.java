package io.jenkins.plugins.slipway.runner.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;
import org.eclipse.jetty.server.Response;

/**
 * A server-sent event stream that holds no thread while it waits: frames are queued from any thread and written
 * one at a time by non-blocking writes. A comment line goes out every {@link #KEEPALIVE_SECONDS} so proxies keep
 * the connection and a reader that went away is noticed (its write fails, and {@link #onClose} runs).
 */
public final class EventStream {
    static final long KEEPALIVE_SECONDS = 15;
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final Response response;
    private final Callback done;
    private final Queue<ByteBuffer> frames = new ConcurrentLinkedQueue<>();
    private final List<Runnable> onClose = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Writer writer = new Writer();
    private final ScheduledFuture<?> keepalive;
    private volatile boolean ending;

    EventStream(Response response, Callback done, ScheduledExecutorService scheduler) {
        this.response = response;
        this.done = done;
        // The headers go out at once: a reader waits for them before it reads any event.
        frames.add(utf8(": stream open\n\n"));
        this.keepalive = scheduler.scheduleAtFixedRate(() -> comment("keepalive"), KEEPALIVE_SECONDS,
                KEEPALIVE_SECONDS, TimeUnit.SECONDS);
        writer.iterate();
    }

    /** Queues one event: {@code id}, {@code event} type and a one-line {@code data}. */
    public void send(long id, String event, String data) {
        offer("id: " + id + "\nevent: " + event + "\ndata: " + data.replace("\n", "\ndata: ") + "\n\n");
    }

    /** Queues a comment line (readers ignore it). */
    public void comment(String text) {
        offer(": " + text.replace("\n", " ") + "\n\n");
    }

    /** Ends the stream once everything queued has been written. */
    public void end() {
        ending = true;
        writer.iterate();
    }

    /** Runs {@code action} once when the stream has ended, by {@link #end()} or because the reader went away. */
    public void onClose(Runnable action) {
        onClose.add(action);
        if (closed.get()) {
            action.run();
        }
    }

    public boolean isOpen() {
        return !closed.get();
    }

    private void offer(String frame) {
        if (!ending && !closed.get()) {
            frames.add(utf8(frame));
            writer.iterate();
        }
    }

    private static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private void closed() {
        if (closed.compareAndSet(false, true)) {
            keepalive.cancel(false);
            frames.clear();
            for (Runnable r : onClose) {
                r.run();
            }
        }
    }

    /** Writes the queued frames one at a time; Jetty's pattern for a sequence of non-blocking writes. */
    private final class Writer extends IteratingCallback {
        private boolean lastWritten;

        @Override
        protected Action process() {
            ByteBuffer frame = frames.poll();
            if (frame != null) {
                response.write(false, frame, this);
                return Action.SCHEDULED;
            }
            if (ending) {
                if (!lastWritten) {
                    lastWritten = true;
                    response.write(true, NOTHING, this);
                    return Action.SCHEDULED;
                }
                return Action.SUCCEEDED;
            }
            return Action.IDLE;
        }

        @Override
        protected void onCompleteSuccess() {
            closed();
            done.succeeded();
        }

        @Override
        protected void onCompleteFailure(Throwable cause) {
            closed();
            done.failed(cause);
        }
    }
}
