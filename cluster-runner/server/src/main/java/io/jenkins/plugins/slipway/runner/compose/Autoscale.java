package io.jenkins.plugins.slipway.runner.compose;

import java.time.Duration;
import java.util.Map;

/**
 * {@code x-slipway.autoscale} of a service: the runner keeps its replicas between {@code min} and {@code max}, sized
 * so that each replica carries about its {@code targets}, following Kubernetes' HPA algorithm (see the
 * {@code autoscale} package). {@code deploy.replicas} is the count it starts from.
 *
 * @param targets   the measured value per replica each target aims at; at least one
 * @param scaleUp   how fast it may grow; {@link Behavior#UP} unless the file says otherwise
 * @param scaleDown how fast it may shrink; {@link Behavior#DOWN} unless the file says otherwise
 * @param idleAfter with {@code min} 0: how long without a request before the service's replicas all stop (scale to
 *                  zero); its route then holds the next requests while a replica starts. Null when it never goes
 *                  to zero
 */
public record Autoscale(int min, int max, Map<Target, Double> targets, Behavior scaleUp, Behavior scaleDown,
                        Duration idleAfter) {
    public Autoscale {
        targets = Map.copyOf(targets);
    }

    /** A policy that never scales to zero. */
    public Autoscale(int min, int max, Map<Target, Double> targets, Behavior scaleUp, Behavior scaleDown) {
        this(min, max, targets, scaleUp, scaleDown, null);
    }

    /**
     * The fewest replicas the load may bring a serving service to: {@code min}, but at least 1, since going to zero
     * is decided by idleness ({@code idleAfter}), not by a measured load.
     */
    public int floor() {
        return Math.max(1, min);
    }

    /** True when the service stops all its replicas after {@link #idleAfter} without a request. */
    public boolean scalesToZero() {
        return idleAfter != null;
    }

    /** What the autoscaler measures per replica. */
    public enum Target {
        /** Requests per second the runner's router forwarded to the revision, divided by its ready replicas. */
        REQUESTS_PER_SECOND("requestsPerSecond", "req/s"),
        /** Requests being forwarded at once to the revision's replicas, divided by its ready replicas. */
        IN_FLIGHT("inFlight", "requests in flight"),
        /**
         * CPU use in percent of the service's {@code deploy.resources.limits.cpus} (required with it), from the
         * engine's stats, averaged over the ready replicas.
         */
        CPU_PERCENT("cpuPercent", "% of the CPU limit"),
        /** Memory use in percent of {@code deploy.resources.limits.memory} (required with it), as CPU is. */
        MEMORY_PERCENT("memoryPercent", "% of the memory limit");

        private final String key;
        private final String unit;

        Target(String key, String unit) {
            this.key = key;
            this.unit = unit;
        }

        /** The key under {@code x-slipway.autoscale}. */
        public String key() {
            return key;
        }

        /** How a figure of it reads: "142 req/s". */
        public String unit() {
            return unit;
        }

        /** True for the targets read from the engine's container stats rather than from the router. */
        public boolean fromEngineStats() {
            return this == CPU_PERCENT || this == MEMORY_PERCENT;
        }
    }

    /**
     * How fast the count may move one way, as HPA's {@code behavior.scaleUp}/{@code scaleDown}.
     *
     * @param stabilizationWindow the count moves only as far as every recommendation of this window agrees
     * @param step                the most the count may move within {@code period}
     * @param period              the span {@code step} is counted over
     */
    public record Behavior(Duration stabilizationWindow, Step step, Duration period) {
        /** HPA's default for scaling up: at once, by 4 replicas or 100%, whichever is more, per 15 s. */
        public static final Behavior UP = new Behavior(Duration.ZERO, null, Duration.ofSeconds(15));
        /** HPA's default for scaling down: after 300 s of lower recommendations, by up to 100% per 15 s. */
        public static final Behavior DOWN = new Behavior(Duration.ofSeconds(300), Step.percent(100),
                Duration.ofSeconds(15));
    }

    /**
     * A step: {@code replicas} replicas, or {@code percent} percent of the count at the start of the period (the
     * other is 0). A null step (scale-up default) is HPA's pair of policies: 4 replicas or 100%, the larger.
     */
    public record Step(int replicas, int percent) {
        public static Step replicas(int n) {
            return new Step(n, 0);
        }

        public static Step percent(int p) {
            return new Step(0, p);
        }

        @Override
        public String toString() {
            return percent > 0 ? percent + "%" : String.valueOf(replicas);
        }
    }
}
