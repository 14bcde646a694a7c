package io.jenkins.plugins.slipway.runner.compose;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a service connects to the rest of its app, engine-neutral: the networks it joins and the names it answers
 * to there, the ports it exposes and publishes, what it mounts, and which services it starts after.
 *
 * @param networks      network key ({@link AppResources#networks()}) to the extra names the service answers to on
 *                      it ({@code aliases}, and {@code container_name}); the service's own name is always one and
 *                      is not listed
 * @param expose        {@code expose}: ports other services reach (every port is reachable on the app's networks;
 *                      engines that need a declaration, like Kubernetes Services, use these and {@code ports})
 * @param published     {@code ports} with a host port: published on that host port, on the address the runner
 *                      is configured for
 * @param mounts        {@code volumes} and {@code tmpfs}, in file order
 * @param readOnly      {@code read_only}: the root filesystem is read-only
 * @param dependsOn     {@code depends_on} by service name, in file order
 * @param sharedVolumes {@code x-slipway.sharedVolumes}: two revisions may run at once although the service
 *                      writes to a named volume
 */
public record ServiceWiring(Map<String, List<String>> networks, List<Integer> expose, List<PublishedPort> published,
                            List<Mount> mounts, boolean readOnly, Map<String, Dependency> dependsOn,
                            boolean sharedVolumes) {
    /** A service on its app's default network only, publishing and mounting nothing. */
    public static final ServiceWiring DEFAULT = new ServiceWiring(Map.of(AppResources.DEFAULT_NETWORK, List.of()),
            List.of(), List.of(), List.of(), false, Map.of(), false);

    public ServiceWiring {
        networks = Collections.unmodifiableMap(new LinkedHashMap<>(networks));
        expose = List.copyOf(expose);
        published = List.copyOf(published);
        mounts = List.copyOf(mounts);
        dependsOn = Collections.unmodifiableMap(new LinkedHashMap<>(dependsOn));
    }

    /** Whether the service writes to a named volume: two of its revisions must not run at once. */
    public boolean writesNamedVolume() {
        return mounts.stream().anyMatch(m -> m.type() == Mount.Type.VOLUME && !m.readOnly());
    }

    /**
     * A container port published on a fixed host port.
     *
     * @param hostIp   the address from the file, or null for the runner's {@code --publish-address}
     * @param protocol {@code tcp} or {@code udp}
     */
    public record PublishedPort(String hostIp, int hostPort, int containerPort, String protocol) {
    }

    /**
     * Something mounted into the service's containers.
     *
     * @param source    VOLUME: the volume key of {@link AppResources#volumes()} (null for an anonymous volume,
     *                  which lives as long as its container); BIND: the host path; TMPFS: null
     * @param sizeBytes TMPFS: its size limit, 0 for the engine's default
     */
    public record Mount(Type type, String source, String target, boolean readOnly, long sizeBytes) {
        public enum Type { VOLUME, BIND, TMPFS }
    }

    /**
     * One {@code depends_on} entry.
     *
     * @param required false: a missing or failing dependency does not hold the service back
     * @param restart  restart this service when the dependency is updated
     */
    public record Dependency(Condition condition, boolean required, boolean restart) {
        public enum Condition {
            SERVICE_STARTED, SERVICE_HEALTHY, SERVICE_COMPLETED_SUCCESSFULLY;

            /** The Compose spelling: {@code service_healthy}. */
            public String composeName() {
                return name().toLowerCase(java.util.Locale.ROOT);
            }
        }
    }
}
