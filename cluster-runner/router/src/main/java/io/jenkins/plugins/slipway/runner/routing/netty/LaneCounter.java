package io.jenkins.plugins.slipway.runner.routing.netty;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A count kept in one cell per {@link Lanes lane}. Only a lane's own event loop changes its cell, so a change is a
 * plain read and a volatile write (no compare-and-swap, no contention); cells sit two cache lines apart so that
 * two loops never write the same line. Readers add the cells up.
 */
final class LaneCounter {
    /** Longs per cell: 128 bytes, which also keeps the adjacent-line prefetcher from pairing two cells. */
    private static final int STRIDE = 16;
    private final AtomicLongArray cells;

    LaneCounter(int lanes) {
        // Cell i lives at (i + 1) * STRIDE: the first stride stays empty, away from the array's header.
        cells = new AtomicLongArray((lanes + 1) * STRIDE);
    }

    /** Adds {@code delta} to the lane's cell. Call on that lane's loop only. */
    void add(int lane, long delta) {
        int i = (lane + 1) * STRIDE;
        cells.set(i, cells.getPlain(i) + delta);
    }

    /** The lane's own count; exact when called on that lane's loop. */
    long get(int lane) {
        return cells.getPlain((lane + 1) * STRIDE);
    }

    /** All lanes together, each as its loop last wrote it. */
    long sum() {
        long total = 0;
        for (int i = STRIDE; i < cells.length(); i += STRIDE) {
            total += cells.get(i);
        }
        return total;
    }
}
