package io.jenkins.plugins.slipway.runner.reconcile;

import io.jenkins.plugins.slipway.runner.engine.Replica;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What the reconciler last saw of each app's replicas: the release logic reads this instead of the engine. */
public final class ObservedState {
    private final Map<String, List<ObservedReplica>> byApp = new ConcurrentHashMap<>();
    private final Map<String, List<Replica>> containers = new ConcurrentHashMap<>();

    /** Every container of the app on the engine, desired or on its way out. */
    public List<Replica> containers(String app) {
        return containers.getOrDefault(app, List.of());
    }

    /** The apps a pass has seen since the runner started. */
    public java.util.Set<String> apps() {
        return java.util.Set.copyOf(byApp.keySet());
    }

    /** Whether a pass has seen the app since the runner started. */
    public boolean seen(String app) {
        return byApp.containsKey(app);
    }

    public List<ObservedReplica> replicas(String app) {
        return byApp.getOrDefault(app, List.of());
    }

    public List<ObservedReplica> replicas(String app, String service, int revision) {
        return replicas(app).stream()
                .filter(r -> r.replica().service().equals(service) && r.replica().revision() == revision)
                .toList();
    }

    /** Records what a pass saw of an app: its desired replicas with their health, and every container it has. */
    public void put(String app, List<ObservedReplica> replicas, List<Replica> all) {
        byApp.put(app, List.copyOf(replicas));
        containers.put(app, List.copyOf(all));
    }

    void forget(String app) {
        byApp.remove(app);
        containers.remove(app);
    }

    public Map<String, List<ObservedReplica>> all() {
        return Map.copyOf(byApp);
    }
}
