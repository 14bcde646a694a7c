package io.jenkins.plugins.slipway.runner.compose;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an app's services share, in the Compose file's words and independent of any engine: its networks and
 * its named volumes (top-level {@code networks:} and {@code volumes:}). Each engine maps them onto its own
 * kind: the Docker engine onto bridge networks and local volumes, Swarm onto overlay networks, Kubernetes onto
 * a namespace's network policy and PersistentVolumeClaims.
 * <p>
 * Keys are the names the file uses; services refer to them by key ({@link ServiceWiring}). Networks always hold
 * {@link #DEFAULT_NETWORK} when a service uses it (every service without a {@code networks:} key does).
 *
 * @param networks by key, in file order
 * @param volumes  by key, in file order
 */
public record AppResources(Map<String, Network> networks, Map<String, Volume> volumes) {
    /** Compose's network for services that name none: one per app, so apps cannot see each other. */
    public static final String DEFAULT_NETWORK = "default";

    /** An app whose services all sit on its default network and keep no data. */
    public static final AppResources DEFAULT = new AppResources(
            Map.of(DEFAULT_NETWORK, Network.DEFAULT), Map.of());

    public AppResources {
        networks = Collections.unmodifiableMap(new LinkedHashMap<>(networks));
        volumes = Collections.unmodifiableMap(new LinkedHashMap<>(volumes));
    }

    /**
     * A network of the app.
     *
     * @param driver     null for the engine's default (bridge on Docker, overlay on Swarm)
     * @param driverOpts passed to the driver as they are
     * @param internal   no route out of the network
     * @param external   {@code external: true}: the network exists already and is shared; the runner never
     *                   creates nor removes it, and an app on it can reach the other apps on it
     * @param name       {@code name:}: the engine-wide name; null lets the engine name it per app and runner
     * @param labels     extra labels for the engine object
     */
    public record Network(String driver, Map<String, String> driverOpts, boolean internal, boolean external,
                          String name, Map<String, String> labels) {
        public static final Network DEFAULT = new Network(null, Map.of(), false, false, null, Map.of());

        public Network {
            driverOpts = Map.copyOf(driverOpts);
            labels = Map.copyOf(labels);
        }
    }

    /**
     * A named volume of the app. It is created once, at the app's first release that uses it, and outlives
     * releases, rollbacks and runner restarts; only deleting the app with its volumes removes it.
     *
     * @param driver     null for the engine's default (local)
     * @param driverOpts passed to the driver as they are
     * @param external   the volume exists already; the runner never creates nor removes it
     * @param name       {@code name:}: the engine-wide name; null lets the engine name it per app and runner
     * @param labels     extra labels for the engine object
     */
    public record Volume(String driver, Map<String, String> driverOpts, boolean external, String name,
                         Map<String, String> labels) {
        public Volume {
            driverOpts = Map.copyOf(driverOpts);
            labels = Map.copyOf(labels);
        }
    }
}
