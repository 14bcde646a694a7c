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
 * @param maxRetries          extra backends tried when one cannot be reached (nothing was sent to it); a request
 *                            whose backend reset the connection before answering is sent again once, and only when
 *                            it is idempotent (GET, HEAD, OPTIONS)
 * @param healthProbeBackoff  first delay between two probes of an ejected backend whose ejection time is over (it
 *                            doubles up to {@code healthProbeMaxBackoff})
 * @param healthProbeMaxBackoff longest delay between two probes of a backend that keeps refusing
 * @param idleTimeout         keep-alive connections (client and backend side) idle this long are closed
 * @param maxIdlePerBackend   pooled idle connections kept per backend and event loop
 * @param maxReplayBytes      request bodies up to this size are kept until the answer starts, so the request
 *                            can be sent again to another backend when the first one resets the connection
 * @param outlierDetection    when backends are ejected and when health is ignored (panic)
 * @param queueTimeout        how long a request waits for a route that has no backend at all (between two specs
 *                            of a release, or while its only replica is replaced) before it gets 502
 */
public record RouterOptions(int ioThreads, Duration connectTimeout, Duration responseTimeout, int maxRetries,
                            Duration healthProbeBackoff, Duration healthProbeMaxBackoff, Duration idleTimeout,
                            int maxIdlePerBackend, int maxReplayBytes, OutlierDetection outlierDetection,
                            Duration queueTimeout) {

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
        Objects.requireNonNull(outlierDetection, "outlierDetection");
        Objects.requireNonNull(queueTimeout, "queueTimeout");
    }

    /**
     * One thread per core, 2 s to connect, 60 s to the first answer byte, 3 retries, 100 ms first probe,
     * {@link OutlierDetection#defaults()}, 2 s queue for a route without backends.
     */
    public static RouterOptions defaults() {
        return new RouterOptions(Runtime.getRuntime().availableProcessors(), Duration.ofSeconds(2),
                Duration.ofSeconds(60), 3, Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(60),
                64, 64 * 1024, OutlierDetection.defaults(), Duration.ofSeconds(2));
    }

    public RouterOptions withIoThreads(int n) {
        return new RouterOptions(n, connectTimeout, responseTimeout, maxRetries, healthProbeBackoff,
                healthProbeMaxBackoff, idleTimeout, maxIdlePerBackend, maxReplayBytes, outlierDetection, queueTimeout);
    }

    public RouterOptions withConnectTimeout(Duration d) {
        return new RouterOptions(ioThreads, d, responseTimeout, maxRetries, healthProbeBackoff,
                healthProbeMaxBackoff, idleTimeout, maxIdlePerBackend, maxReplayBytes, outlierDetection, queueTimeout);
    }

    public RouterOptions withResponseTimeout(Duration d) {
        return new RouterOptions(ioThreads, connectTimeout, d, maxRetries, healthProbeBackoff,
                healthProbeMaxBackoff, idleTimeout, maxIdlePerBackend, maxReplayBytes, outlierDetection, queueTimeout);
    }

    public RouterOptions withMaxRetries(int n) {
        return new RouterOptions(ioThreads, connectTimeout, responseTimeout, n, healthProbeBackoff,
                healthProbeMaxBackoff, idleTimeout, maxIdlePerBackend, maxReplayBytes, outlierDetection, queueTimeout);
    }

    public RouterOptions withHealthProbeBackoff(Duration first, Duration max) {
        return new RouterOptions(ioThreads, connectTimeout, responseTimeout, maxRetries, first, max, idleTimeout,
                maxIdlePerBackend, maxReplayBytes, outlierDetection, queueTimeout);
    }

    public RouterOptions withIdleTimeout(Duration d) {
        return new RouterOptions(ioThreads, connectTimeout, responseTimeout, maxRetries, healthProbeBackoff,
                healthProbeMaxBackoff, d, maxIdlePerBackend, maxReplayBytes, outlierDetection, queueTimeout);
    }

    public RouterOptions withMaxIdlePerBackend(int n) {
        return new RouterOptions(ioThreads, connectTimeout, responseTimeout, maxRetries, healthProbeBackoff,
                healthProbeMaxBackoff, idleTimeout, n, maxReplayBytes, outlierDetection, queueTimeout);
    }

    public RouterOptions withMaxReplayBytes(int n) {
        return new RouterOptions(ioThreads, connectTimeout, responseTimeout, maxRetries, healthProbeBackoff,
                healthProbeMaxBackoff, idleTimeout, maxIdlePerBackend, n, outlierDetection, queueTimeout);
    }

    public RouterOptions withOutlierDetection(OutlierDetection o) {
        return new RouterOptions(ioThreads, connectTimeout, responseTimeout, maxRetries, healthProbeBackoff,
                healthProbeMaxBackoff, idleTimeout, maxIdlePerBackend, maxReplayBytes, o, queueTimeout);
    }

    public RouterOptions withQueueTimeout(Duration d) {
        return new RouterOptions(ioThreads, connectTimeout, responseTimeout, maxRetries, healthProbeBackoff,
                healthProbeMaxBackoff, idleTimeout, maxIdlePerBackend, maxReplayBytes, outlierDetection, d);
    }
}
