package io.jenkins.plugins.slipway.runner.routing.netty;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Numbers the router's event loops 0..n-1. A number is a lane: state that every request updates (rotation
 * cursors, in-flight counts, traffic figures) is kept per lane, so that each cell is written by one loop only and
 * no cache line goes back and forth between the cores on every request; readers off the hot path add the lanes up.
 */
final class Lanes {
    private final Map<EventLoop, Integer> byLoop = new IdentityHashMap<>();

    Lanes(EventLoopGroup group) {
        int lane = 0;
        for (EventExecutor e : group) {
            byLoop.put((EventLoop) e, lane++);
        }
    }

    int count() {
        return byLoop.size();
    }

    /** The lane of one of the router's own loops. */
    int of(EventLoop loop) {
        Integer lane = byLoop.get(loop);
        if (lane == null) {
            throw new IllegalArgumentException("not an event loop of this router: " + loop);
        }
        return lane;
    }
}
