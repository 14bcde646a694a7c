package io.jenkins.plugins.slipway.runner.routing.netty;

import io.jenkins.plugins.slipway.runner.routing.Backend;
import io.jenkins.plugins.slipway.runner.routing.OutlierDetection;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the router knows of one backend beyond its spec: requests in flight, the runner's health verdict, its
 * outlier state (ejected or not), and its idle keep-alive connections. The state outlives spec changes that keep the backend, so in-flight counts and pooled
 * connections carry over an {@link io.jenkins.plugins.slipway.runner.routing.Router#apply}.
 * <p>
 * Idle connections are pooled per event loop: a client connection is served on one loop and only ever borrows
 * backend connections of that loop, so the pool needs no lock and no thread hop. In-flight requests are counted
 * per loop too ({@link LaneCounter}), and each loop balances by its own counts: least-in-flight as one loop sees
 * it, which keeps the count a loop reads and writes on every request out of the other loops' caches.
 */
final class BackendState implements BackendChooser.Candidate {
    final Backend backend;
    final InetSocketAddress address;
    /** Requests in flight to this backend, per lane. */
    final LaneCounter inFlight;
    /** The runner's health verdict ({@link Backend#healthy()}, {@code setBackendHealthy}). */
    volatile boolean adminHealthy;
    /** Failures in a row and ejection: set by the router from what its requests meet. */
    final Outlier outlier;
    /** True once a spec without this backend is in force: its connections are closed, not pooled, when done. */
    volatile boolean removed;
    /** Guards against two probe loops for one backend; only touched under the probe's own synchronisation. */
    boolean probing;
    long probeBackoffNanos;

    private final Map<EventLoop, ArrayDeque<Channel>> idle = new ConcurrentHashMap<>();

    BackendState(Backend backend, int lanes) {
        this(backend, lanes, OutlierDetection.defaults());
    }

    BackendState(Backend backend, int lanes, OutlierDetection rules) {
        this.backend = backend;
        this.adminHealthy = backend.healthy();
        this.outlier = new Outlier(rules);
        this.inFlight = new LaneCounter(lanes);
        this.address = new InetSocketAddress(backend.host(), backend.port());
    }

    @Override
    public boolean available() {
        return adminHealthy && !outlier.ejected();
    }

    @Override
    public boolean ejected() {
        return outlier.ejected();
    }

    @Override
    public int load(int lane) {
        return (int) inFlight.get(lane);
    }

    /** Requests in flight over all lanes. */
    int inFlight() {
        return (int) inFlight.sum();
    }

    /** An idle, open connection on {@code loop}, or null. Call on {@code loop} only. */
    Channel pollIdle(EventLoop loop) {
        ArrayDeque<Channel> q = idle.get(loop);
        if (q == null) {
            return null;
        }
        Channel ch;
        while ((ch = q.pollLast()) != null) {
            if (ch.isActive()) {
                return ch;
            }
        }
        return null;
    }

    /** Keeps {@code ch} for reuse, or closes it when the pool is full or the backend is gone. Call on its loop. */
    void offerIdle(Channel ch, int maxIdle) {
        if (removed || !ch.isActive()) {
            ch.close();
            return;
        }
        ArrayDeque<Channel> q = idle.computeIfAbsent(ch.eventLoop(), l -> new ArrayDeque<>());
        if (q.size() >= maxIdle) {
            ch.close();
            return;
        }
        q.addLast(ch);
    }

    /** Forgets a pooled connection that closed while idle. Call on its loop. */
    void forgetIdle(Channel ch) {
        ArrayDeque<Channel> q = idle.get(ch.eventLoop());
        if (q != null) {
            q.remove(ch);
        }
    }

    /** Closes every idle connection, each on its own loop; in-flight exchanges finish and close their own. */
    void closeIdle() {
        idle.forEach((loop, q) -> loop.execute(() -> {
            Channel ch;
            while ((ch = q.pollLast()) != null) {
                ch.close();
            }
        }));
    }

    @Override
    public String toString() {
        return backend.id() + "@" + backend.host() + ":" + backend.port();
    }
}
