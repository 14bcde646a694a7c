package io.jenkins.plugins.slipway.runner.release.spec;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/** One metric of an analysis: its name and the provider that measures it, with the provider's thresholds. */
public sealed interface MetricSpec permits MetricSpec.RouterMetric, MetricSpec.HttpMetric, MetricSpec.WebhookMetric {

    /** Name shown in events and the build log; unique within an analysis. */
    String name();

    /** The provider key as written in the spec: {@code router}, {@code http}, {@code webhook}. */
    String provider();

    /**
     * Traffic the router measured for the new revision over the interval.
     *
     * @param minSuccessRate lowest acceptable share of non-5xx answers, 0..1; null when not judged
     * @param maxP99Ms       highest acceptable 99th-percentile latency in ms; null when not judged
     * @param minRequests    fewer requests than this in an interval is Inconclusive, never a pass; at least 1
     */
    record RouterMetric(String name, @CheckForNull Double minSuccessRate, @CheckForNull Long maxP99Ms,
                        long minRequests) implements MetricSpec {
        public static final long DEFAULT_MIN_REQUESTS = 10;

        public RouterMetric {
            Objects.requireNonNull(name, "name");
            if (minSuccessRate == null && maxP99Ms == null) {
                throw new IllegalArgumentException("a router metric needs successRate or maxP99Ms");
            }
            if (minRequests < 1) {
                throw new IllegalArgumentException("minRequests must be at least 1");
            }
        }

        @Override
        public String provider() {
            return "router";
        }
    }

    /** GET {@code path} on every replica of the new revision; each must answer {@code expectStatus} in time. */
    record HttpMetric(String name, String path, int expectStatus, Duration timeout) implements MetricSpec {
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

        public HttpMetric {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(timeout, "timeout");
        }

        @Override
        public String provider() {
            return "http";
        }
    }

    /** POST the release context as JSON to {@code url}; a 2xx answer in time passes. */
    record WebhookMetric(String name, URI url, Duration timeout) implements MetricSpec {
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

        public WebhookMetric {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(timeout, "timeout");
        }

        @Override
        public String provider() {
            return "webhook";
        }
    }
}
