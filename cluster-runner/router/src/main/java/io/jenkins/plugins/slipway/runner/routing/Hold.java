package io.jenkins.plugins.slipway.runner.routing;

import java.time.Duration;
import java.util.Objects;

/**
 * What a route scaled to zero does with a request that finds no backend: hold it while a replica starts, rather
 * than answer 502 after {@link RouterOptions#queueTimeout()}. The router tells the runner at once that a request
 * is held ({@link Router#onHeld}), so that the runner starts a replica; the held requests go on as soon as the
 * route has a backend again.
 *
 * @param maxHeld how many requests the route holds at once; the one beyond is answered 503 with
 *                {@code Retry-After} at once, so a burst cannot pile up without bound in the router
 * @param timeout how long a request is held at most; then it is answered 503 with {@code Retry-After}
 */
public record Hold(int maxHeld, Duration timeout) {
    public Hold {
        Objects.requireNonNull(timeout, "timeout");
        if (maxHeld < 1) {
            throw new IllegalArgumentException("maxHeld must be at least 1, got " + maxHeld);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }

    /** Seconds a client is told to wait before it asks again: the hold timeout, at least 1. */
    public long retryAfterSeconds() {
        return Math.max(1, (timeout.toMillis() + 999) / 1000);
    }
}
