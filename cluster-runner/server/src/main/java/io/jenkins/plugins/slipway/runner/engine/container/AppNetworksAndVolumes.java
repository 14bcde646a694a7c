package io.jenkins.plugins.slipway.runner.engine.container;

import io.jenkins.plugins.slipway.runner.compose.AppResources;
import io.jenkins.plugins.slipway.runner.engine.EngineException;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The networks and named volumes of each app on a container runtime: created before the app's replicas start,
 * found again by label after a runner restart, removed only when the app is deleted (volumes only when asked).
 * Each carries the runner's id and the app's name, so two runners on one engine never share them.
 */
final class AppNetworksAndVolumes {
    private final String runnerId;
    private final ContainerRuntime runtime;
    /** What was last made sure of per app: a pass with the same resources has nothing to do. */
    private final Map<String, AppResources> prepared = new ConcurrentHashMap<>();
    /** Why the last preparation of an app failed, for the start failures of its replicas. */
    private final Map<String, String> failures = new ConcurrentHashMap<>();

    AppNetworksAndVolumes(String runnerId, ContainerRuntime runtime) {
        this.runnerId = runnerId;
        this.runtime = runtime;
    }

    void prepare(String app, AppResources resources) {
        if (resources.equals(prepared.get(app))) {
            return;
        }
        try {
            create(app, resources);
        } catch (RuntimeException e) {
            failures.put(app, String.valueOf(e.getMessage()));
            throw e;
        }
        failures.remove(app);
        prepared.put(app, resources);
    }

    /** Why the app's networks and volumes are not ready. */
    String preparationFailure(String app) {
        return failures.getOrDefault(app, "not prepared yet");
    }

    private void create(String app, AppResources resources) {
        resources.networks().forEach((key, n) -> {
            String name = networkName(app, key, n);
            if (n.external()) {
                if (!runtime.networkExists(name)) {
                    throw new EngineException("external network " + name + " (networks." + key
                            + ") does not exist on the engine; create it first", null);
                }
            } else {
                runtime.ensureNetwork(name, n, labels(app, Labels.NETWORK, key, n.labels()));
            }
        });
        resources.volumes().forEach((key, v) -> {
            String name = volumeName(app, key, v);
            if (v.external()) {
                if (!runtime.volumeExists(name)) {
                    throw new EngineException("external volume " + name + " (volumes." + key
                            + ") does not exist on the engine; create it first", null);
                }
            } else {
                runtime.ensureVolume(name, v, labels(app, Labels.VOLUME, key, v.labels()));
            }
        });
    }

    /** The app's resources as last prepared; null when the app has none prepared since the runner started. */
    AppResources of(String app) {
        return prepared.get(app);
    }

    String networkName(String app, String key, AppResources.Network n) {
        return n.name() != null ? n.name() : Labels.resourceName(app, key, runnerId);
    }

    String volumeName(String app, String key, AppResources.Volume v) {
        return v.name() != null ? v.name() : Labels.resourceName(app, key, runnerId);
    }

    /**
     * Removes the app's networks, and its volumes when asked, once none of its containers is left (polled until
     * {@code wait} is over).
     */
    List<String> remove(String app, boolean volumes, Duration wait) {
        prepared.remove(app);
        failures.remove(app);
        Map<String, String> mine = Map.of(Labels.RUNNER, runnerId, Labels.APP, app);
        long deadline = System.nanoTime() + wait.toNanos();
        while (!runtime.list(mine).isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                throw new EngineException("the replicas of app " + app + " are still stopping after "
                        + wait.toSeconds() + " s; try again", null);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException("interrupted while waiting for the replicas of " + app + " to stop", e);
            }
        }
        for (String network : runtime.networks(mine)) {
            runtime.removeNetwork(network);
        }
        List<String> removed = new ArrayList<>();
        if (volumes) {
            for (String volume : runtime.volumes(mine)) {
                runtime.removeVolume(volume);
                removed.add(volume);
            }
        }
        return removed;
    }

    List<String> volumes(String app) {
        return runtime.volumes(Map.of(Labels.RUNNER, runnerId, Labels.APP, app));
    }

    private Map<String, String> labels(String app, String kind, String key, Map<String, String> extra) {
        Map<String, String> labels = new LinkedHashMap<>(extra);
        labels.put(Labels.RUNNER, runnerId);
        labels.put(Labels.APP, app);
        labels.put(kind, key);
        return labels;
    }
}
