package io.jenkins.plugins.slipway.runner.client;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/apps/{app}}.
 *
 * @param revision       the revision the app is meant to run (the latest successful, or the one releasing)
 * @param currentRelease id of the release in progress, or of the last one; null before any
 */
public record AppStatus(String name, int revision, List<ServiceStatus> services, String currentRelease) {

    /**
     * @param images        image reference per revision ("3" -> "127.0.0.1:5000/shop@sha256:...")
     * @param route         null when the service has no {@code x-slipway.route}
     * @param weights       percent of route traffic per revision, as the router applies it now
     * @param actualWeights percent of the route's requests each revision answered over the last minute, as the
     *                      router counted them; empty when it answered none (or for a runner that does not say)
     * @param replicaSets   each revision that has replicas now, oldest first, with the health of each replica
     * @param autoscale     the autoscaler's current figures; null for a service without {@code x-slipway.autoscale}
     */
    public record ServiceStatus(String name, Replicas replicas, Map<String, String> images, Route route,
                                Map<String, Integer> weights, Map<String, Integer> actualWeights,
                                List<ReplicaSetStatus> replicaSets, Autoscaling autoscale) {
        public ServiceStatus {
            actualWeights = actualWeights == null ? Map.of() : actualWeights;
            replicaSets = replicaSets == null ? List.of() : List.copyOf(replicaSets);
        }

        /** A status of a service that is not autoscaled (or of a runner that does not say). */
        public ServiceStatus(String name, Replicas replicas, Map<String, String> images, Route route,
                             Map<String, Integer> weights, Map<String, Integer> actualWeights,
                             List<ReplicaSetStatus> replicaSets) {
            this(name, replicas, images, route, weights, actualWeights, replicaSets, null);
        }

        /** A status without measured shares nor replica sets. */
        public ServiceStatus(String name, Replicas replicas, Map<String, String> images, Route route,
                             Map<String, Integer> weights) {
            this(name, replicas, images, route, weights, Map.of(), List.of());
        }
    }

    /**
     * The replicas of one revision of a service.
     *
     * @param desired  replicas the runner keeps at this revision
     * @param weight   percent of the route's traffic the desired state gives this revision
     * @param replicas the replicas the engine runs now, by index
     */
    public record ReplicaSetStatus(int revision, int desired, int weight, List<ReplicaStatus> replicas) {
        public ReplicaSetStatus {
            replicas = replicas == null ? List.of() : List.copyOf(replicas);
        }
    }

    /**
     * One replica.
     *
     * @param name   {@code web-5-1}
     * @param health {@code healthy} (serves), {@code starting} (its health check has not passed yet) or
     *               {@code unhealthy}
     */
    public record ReplicaStatus(String name, String health) {
    }

    /**
     * What the autoscaler last measured and decided for a service.
     *
     * @param current  replicas the service was set to have when it last decided
     * @param desired  replicas it decided on
     * @param measured per target key ({@code requestsPerSecond}, {@code inFlight}), the value per ready replica over
     *                 the last few seconds; empty before the first measure
     * @param targets  per target key, the value per replica the file asks for
     * @param held     why it makes no decision now (a release in progress), or null
     */
    public record Autoscaling(int min, int max, int current, int desired, Map<String, Double> measured,
                              Map<String, Double> targets, String held) {
    }

    /** Replica counts of the revision that serves. */
    public record Replicas(int desired, int ready) {
    }

    /** The router listens on {@code port} and forwards to the replicas' {@code targetPort}. */
    public record Route(int port, int targetPort) {
    }
}
