package io.jenkins.plugins.slipway.runner.routing;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of a {@link Router}, immutable; start from {@link #defaults()} and change what you need with the
 * {@code withX} methods.
 *
 * @param ioThreads           event-loop threads shared by every route (client and backend connections alike)
 * @param connectTimeout      how long a backend may take to accept a connection before the next one is tried
 * @param responseTimeout     how long a backend may take to start its answer before the client gets 504
 * @param maxRetries          extra backends tried when one cannot be reached before any answer byte came back
 * @param healthProbeBackoff  first delay before a backend that refused connections is probed again (it doubles
 *                            up to {@code healthProbeMaxBackoff})
 * @param healthProbeMaxBackoff longest delay between two probes of a backend that keeps refusing
 * @param idleTimeout         keep-alive connections (client and backend side) idle this long are closed
 * @param maxIdlePerBackend   pooled idle connections kept per backend and event loop
 * @param maxReplayBytes      request bodies up to this size are kept until the answer starts, so the request
 *                            can be sent again to another backend when the first one resets the connection
 */
public record RouterOptions(int ioThreads, Duration connectTimeout, Duration responseTimeout, int maxRetries,
                            Duration healthProbeBackoff, Duration healthProbeMaxBackoff, Duration idleTimeout,
                            int maxIdlePerBackend, int maxReplayBytes) {

    public RouterOptions {
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads must be at least 1, not " + ioThreads);
        }
        if (maxRetries < 0 || maxIdlePerBackend < 0 || maxReplayBytes < 0) {
            throw new IllegalArgumentException("maxRetries, maxIdlePerBackend and maxReplayBytes must not be negative");
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(responseTimeout, "responseTimeout");
        Objects.requireNonNull(healthProbeBackoff, "healthProbeBackoff");
        Objects.requireNonNull(healthProbeMaxBackoff, "healthProbeMaxBackoff");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
    }

    /** One thread per core, 2 s to connect, 60 s to the first answer byte, 3 retries, 100 ms first probe. */
    public static RouterOptions defaults() {
        return new RouterOptions(Runtime.getRuntime().availableProcessors(), Duration.ofSeconds(2),
                Duration.ofSeconds(60), 3, Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(60),
                64, 64 * 1024);
    }

    public RouterOptions withIoThreads(int n) {
        return new RouterOptions(n, connectTimeout, responseTimeout, maxRetries, healthProbeBackoff,
                healthProbeMaxBackoff, idleTimeout, maxIdlePerBackend, maxReplayBytes);
    }

    public RouterOptions withConnectTimeout(Duration d) {
        return new RouterOptions(ioThreads, d, responseTimeout, maxRetries, healthProbeBackoff,
                healthProbeMaxBackoff, idleTimeout, maxIdlePerBackend, maxReplayBytes);
    }

    public RouterOptions withResponseTimeout(Duration d) {
        return new RouterOptions(ioThreads, connectTimeout, d, maxRetries, healthProbeBackoff,
                healthProbeMaxBackoff, idleTimeout, maxIdlePerBackend, maxReplayBytes);
    }

    public RouterOptions withMaxRetries(int n) {
        return new RouterOptions(ioThreads, connectTimeout, responseTimeout, n, healthProbeBackoff,
                healthProbeMaxBackoff, idleTimeout, maxIdlePerBackend, maxReplayBytes);
    }

    public RouterOptions withHealthProbeBackoff(Duration first, Duration max) {
        return new RouterOptions(ioThreads, connectTimeout, responseTimeout, maxRetries, first, max, idleTimeout,
                maxIdlePerBackend, maxReplayBytes);
    }

    public RouterOptions withIdleTimeout(Duration d) {
        return new RouterOptions(ioThreads, connectTimeout, responseTimeout, maxRetries, healthProbeBackoff,
                healthProbeMaxBackoff, d, maxIdlePerBackend, maxReplayBytes);
    }

    public RouterOptions withMaxIdlePerBackend(int n) {
        return new RouterOptions(ioThreads, connectTimeout, responseTimeout, maxRetries, healthProbeBackoff,
                healthProbeMaxBackoff, idleTimeout, n, maxReplayBytes);
    }

    public RouterOptions withMaxReplayBytes(int n) {
        return new RouterOptions(ioThreads, connectTimeout, responseTimeout, maxRetries, healthProbeBackoff,
                healthProbeMaxBackoff, idleTimeout, maxIdlePerBackend, n);
    }
}
