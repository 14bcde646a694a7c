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
     * @param images  image reference per revision ("3" -> "127.0.0.1:5000/shop@sha256:...")
     * @param route   null when the service has no {@code x-slipway.route}
     * @param weights percent of route traffic per revision, as the router applies it now
     */
    public record ServiceStatus(String name, Replicas replicas, Map<String, String> images, Route route,
                                Map<String, Integer> weights) {
    }

    /** Replica counts of the revision that serves. */
    public record Replicas(int desired, int ready) {
    }

    /** The router listens on {@code port} and forwards to the replicas' {@code targetPort}. */
    public record Route(int port, int targetPort) {
    }
}
