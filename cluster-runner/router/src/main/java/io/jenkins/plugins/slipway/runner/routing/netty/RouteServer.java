package io.jenkins.plugins.slipway.runner.routing.netty;

import io.jenkins.plugins.slipway.runner.routing.Backend;
import io.jenkins.plugins.slipway.runner.routing.InternalListener;
import io.jenkins.plugins.slipway.runner.routing.RouteSpec;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One route: its listening channel, the routing table in force, the state of its backends and the metrics of
 * its revisions. Spec changes are serialised by the router; readers on the event loops only ever read the
 * volatile {@link #table()}.
 */
final class RouteServer {
    /** User event telling a client connection to close once its exchange in progress is done. */
    static final Object DRAIN = new Object();

    private final String name;
    private final NettyRouter router;
    private final int lanes;
    private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    /** Every backend by id: those of the spec in force and removed ones with requests still in flight. */
    private final Map<String, BackendState> states = new ConcurrentHashMap<>();
    private final Map<String, RevisionMetrics> metrics = new ConcurrentHashMap<>();
    private volatile RouteTable table;
    private Channel listener;
    /** The channels of the spec's internal listeners; changed only under the router's lock. */
    private final Map<InternalListener, Channel> internal = new HashMap<>();
    /** Requests held right now for want of a backend (a route scaled to zero), over all event loops. */
    private final AtomicInteger held = new AtomicInteger();
    /** When the runner was last told that this route holds a request (System.nanoTime), 0 for never. */
    private final AtomicLong heldNoticeAt = new AtomicLong();

    RouteServer(String name, NettyRouter router) {
        this.name = name;
        this.router = router;
        this.lanes = router.lanes().count();
    }

    String name() {
        return name;
    }

    NettyRouter router() {
        return router;
    }

    ChannelGroup clients() {
        return clients;
    }

    RouteTable table() {
        return table;
    }

    Channel listener() {
        return listener;
    }

    void listener(Channel ch) {
        this.listener = ch;
    }

    Map<InternalListener, Channel> internal() {
        return internal;
    }

    /** Puts {@code spec} in force with one volatile write; backends it no longer names finish what they have. */
    void update(RouteSpec spec) {
        Map<String, BackendState> next = new HashMap<>();
        for (Backend b : spec.backends()) {
            BackendState s = states.get(b.id());
            if (s != null && !s.removed && s.backend.sameTarget(b)) {
                // Same replica: in-flight counts, pooled connections and outlier state carry over; health is new.
                s.adminHealthy = b.healthy();
            } else {
                s = new BackendState(b, lanes, router.options().outlierDetection());
            }
            next.put(b.id(), s);
        }
        RouteTable previous = table;
        table = new RouteTable(spec, lanes, b -> next.get(b.id()),
                r -> metrics.computeIfAbsent(r, x -> new RevisionMetrics(lanes)), router.options().outlierDetection());
        if (previous != null) {
            for (BackendState old : previous.all) {
                if (next.get(old.backend.id()) != old) {
                    // Set before the count is read, as a loop's last request lowers the count before it reads
                    // the flag (both volatile): one side or the other sees the backend done and retires it.
                    old.removed = true;
                    old.closeIdle();
                    if (old.inFlight() == 0) {
                        states.remove(old.backend.id(), old);
                    }
                }
            }
        }
        states.putAll(next);
    }

    /** Counts one more held request unless {@code max} are held already. */
    boolean takeHeldSlot(int max) {
        for (;;) {
            int n = held.get();
            if (n >= max) {
                return false;
            }
            if (held.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void releaseHeldSlot() {
        held.decrementAndGet();
    }

    int heldCount() {
        return held.get();
    }

    /** True once per {@code intervalNanos} at most: whether the runner should be told again that requests wait. */
    boolean heldNoticeDue(long intervalNanos) {
        long now = System.nanoTime();
        long last = heldNoticeAt.get();
        return (last == 0 || now - last >= intervalNanos) && heldNoticeAt.compareAndSet(last, now);
    }

    /** A removed backend whose last request just finished. */
    void retire(BackendState b) {
        states.remove(b.backend.id(), b);
    }

    BackendState state(String backendId) {
        return states.get(backendId);
    }

    /** Every known backend, removed ones still draining included. */
    Iterable<BackendState> states() {
        return states.values();
    }

    RevisionMetrics metrics(String revision) {
        return metrics.get(revision);
    }

    Map<String, RevisionMetrics> allMetrics() {
        return metrics;
    }

    /**
     * Closes a listening channel and returns once its port is free. Netty closes a channel on its event loop,
     * later; a route applied right after on the same port (an app deleted and another deployed there, a route
     * dropped and applied again) would otherwise meet the old listener still bound and fail with "Address already
     * in use". On the event loop itself the close is done before this returns anyway.
     */
    static void unbind(Channel listener) {
        ChannelFuture closed = listener.close();
        if (!listener.eventLoop().inEventLoop()) {
            closed.awaitUninterruptibly();
        }
    }

    /**
     * Stops accepting (the ports are free when this returns), closes idle client connections and lets busy ones
     * finish their exchange.
     */
    void close() {
        if (listener != null) {
            unbind(listener);
        }
        internal.values().forEach(RouteServer::unbind);
        internal.clear();
        clients.forEach(ch -> ch.pipeline().fireUserEventTriggered(DRAIN));
        RouteTable t = table;
        if (t != null) {
            for (BackendState b : t.all) {
                b.removed = true;
                b.closeIdle();
            }
        }
    }
}
