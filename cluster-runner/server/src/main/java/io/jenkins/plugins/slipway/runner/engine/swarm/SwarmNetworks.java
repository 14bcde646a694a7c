package io.jenkins.plugins.slipway.runner.engine.swarm;

import io.jenkins.plugins.slipway.runner.compose.AppResources;
import io.jenkins.plugins.slipway.runner.engine.EngineException;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An app's networks on a swarm: attachable overlay networks spanning the nodes, named and labelled as on the
 * Docker engine, created before the app's services and removed with the app. Services join them with DNS round
 * robin and their service name as alias, so the services of an app find each other by name (a virtual IP would
 * need IPVS, docs/swarm.md). The resources prepared last are also what the app's named volumes are made with
 * ({@link SwarmVolumes}): a volume needs nothing before its first task, whose node's engine makes it.
 */
final class SwarmNetworks {
    private static final String OVERLAY = "overlay";

    private final String runnerId;
    private final SwarmClient swarm;
    private final Map<String, AppResources> prepared = new ConcurrentHashMap<>();
    private final Map<String, String> failures = new ConcurrentHashMap<>();

    SwarmNetworks(String runnerId, SwarmClient swarm) {
        this.runnerId = runnerId;
        this.swarm = swarm;
    }

    void prepare(String app, AppResources resources) {
        if (resources.equals(prepared.get(app))) {
            return;
        }
        try {
            resources.networks().forEach((key, n) -> {
                String name = name(app, key, n);
                if (n.external()) {
                    if (!swarm.networkExists(name)) {
                        throw new EngineException("external network " + name + " (networks." + key
                                + ") does not exist on the swarm; create it first (docker network create -d overlay"
                                + " --attachable " + name + ")", null);
                    }
                } else if (n.driver() != null && !n.driver().equals(OVERLAY)) {
                    throw new EngineException("network driver " + n.driver() + " (networks." + key + ".driver) does"
                            + " not span the nodes of a swarm; use overlay or leave the driver out", null);
                } else {
                    Map<String, String> labels = new LinkedHashMap<>(n.labels());
                    labels.put(Labels.RUNNER, runnerId);
                    labels.put(Labels.APP, app);
                    labels.put(Labels.NETWORK, key);
                    swarm.ensureOverlay(name, OVERLAY, n.driverOpts(), n.internal(), labels);
                }
            });
        } catch (RuntimeException e) {
            failures.put(app, String.valueOf(e.getMessage()));
            throw e;
        }
        failures.remove(app);
        prepared.put(app, resources);
    }

    /** The app's resources as last prepared; null when not prepared (yet, or it failed). */
    AppResources of(String app) {
        return prepared.get(app);
    }

    /** Why the app's networks are not ready, or null. */
    String failure(String app) {
        return failures.get(app);
    }

    String name(String app, String key, AppResources.Network n) {
        return n.name() != null ? n.name() : Labels.resourceName(app, key, runnerId);
    }

    /** Removes the app's own networks (never external ones); its services must be gone. */
    void remove(String app) {
        prepared.remove(app);
        failures.remove(app);
        for (String network : swarm.networks(Map.of(Labels.RUNNER, runnerId, Labels.APP, app))) {
            swarm.removeNetwork(network);
        }
    }

    /** The names of the networks a service joins, from its wiring's keys. */
    List<String> networksOf(String app, Map<String, List<String>> keys) {
        AppResources resources = prepared.getOrDefault(app, AppResources.DEFAULT);
        return keys.keySet().stream()
                .map(key -> name(app, key, resources.networks().getOrDefault(key, AppResources.Network.DEFAULT)))
                .toList();
    }
}
