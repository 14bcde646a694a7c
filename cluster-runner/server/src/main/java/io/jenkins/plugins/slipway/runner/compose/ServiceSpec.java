package io.jenkins.plugins.slipway.runner.compose;

import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One Compose service in the subset the runner supports (see docs/compose-extensions.md).
 *
 * @param command        null to keep the image's CMD
 * @param entrypoint     null to keep the image's ENTRYPOINT
 * @param ports          container ports to publish; always on 127.0.0.1 with a random host port
 * @param healthcheck    null when the file has none (the runner then probes the route or waits for running)
 * @param memoryBytes    deploy.resources.limits.memory, 0 for none
 * @param nanoCpus       deploy.resources.limits.cpus in billionths of a CPU, 0 for none
 * @param stopGrace      how long a replica gets between SIGTERM and SIGKILL
 * @param route          null when the service takes no routed traffic
 * @param release        {@code x-slipway.release}; {@link ReleaseSpec.Rolling} when absent
 * @param wiring         networks, published ports, mounts and {@code depends_on}
 * @param settings       the other container keys the engine is given as they are
 * @param files          the secrets and configs mounted into each replica (names, targets and digests, no values)
 * @param placement      {@code deploy.placement} and {@code deploy.resources.reservations}; never null
 * @param oneShot        null for a service kept running; else when in each release it runs once as a task
 * @param autoscale      {@code x-slipway.autoscale}; null for a service kept at its replicas
 * @param kubernetes     {@code x-slipway.kubernetes}; null when the file has none (the runner's router)
 */
public record ServiceSpec(String name, String image, List<String> command, List<String> entrypoint,
                          Map<String, String> environment, List<Integer> ports, Healthcheck healthcheck,
                          Map<String, String> labels, int replicas, long memoryBytes, long nanoCpus,
                          RestartPolicy restartPolicy, UpdateConfig updateConfig, Duration stopGrace,
                          Route route, ReleaseSpec release, ServiceWiring wiring, ContainerSettings settings,
                          List<FileMount> files, Placement placement, OneShot oneShot, Autoscale autoscale,
                          KubernetesTraffic kubernetes) {

    public ServiceSpec {
        files = files == null ? List.of() : List.copyOf(files);
        placement = placement == null ? Placement.ANYWHERE : placement;
    }

    /** A service without {@code x-slipway.kubernetes}. */
    public ServiceSpec(String name, String image, List<String> command, List<String> entrypoint,
                       Map<String, String> environment, List<Integer> ports, Healthcheck healthcheck,
                       Map<String, String> labels, int replicas, long memoryBytes, long nanoCpus,
                       RestartPolicy restartPolicy, UpdateConfig updateConfig, Duration stopGrace,
                       Route route, ReleaseSpec release, ServiceWiring wiring, ContainerSettings settings,
                       List<FileMount> files, Placement placement, OneShot oneShot, Autoscale autoscale) {
        this(name, image, command, entrypoint, environment, ports, healthcheck, labels, replicas, memoryBytes, nanoCpus,
                restartPolicy, updateConfig, stopGrace, route, release, wiring, settings, files, placement, oneShot,
                autoscale, null);
    }

    /** A service kept running. */
    public ServiceSpec(String name, String image, List<String> command, List<String> entrypoint,
                       Map<String, String> environment, List<Integer> ports, Healthcheck healthcheck,
                       Map<String, String> labels, int replicas, long memoryBytes, long nanoCpus,
                       RestartPolicy restartPolicy, UpdateConfig updateConfig, Duration stopGrace,
                       Route route, ReleaseSpec release, ServiceWiring wiring, ContainerSettings settings,
                       List<FileMount> files, Placement placement) {
        this(name, image, command, entrypoint, environment, ports, healthcheck, labels, replicas, memoryBytes, nanoCpus,
                restartPolicy, updateConfig, stopGrace, route, release, wiring, settings, files, placement, null, null);
    }

    /** This service run once per release as {@code runs} says; every other component kept. */
    public ServiceSpec withOneShot(OneShot runs) {
        return new ServiceSpec(name, image, command, entrypoint, environment, ports, healthcheck, labels, replicas,
                memoryBytes, nanoCpus, restartPolicy, updateConfig, stopGrace, route, release, wiring, settings, files,
                placement, runs, autoscale, kubernetes);
    }

    /** Whether a Gateway ({@code trafficRouter: gateway-api}), not the runner's router, carries the route's traffic. */
    public boolean routedByGateway() {
        return kubernetes != null && kubernetes.gatewayApi();
    }

    /** A service mounting no secret or config, placed anywhere. */
    public ServiceSpec(String name, String image, List<String> command, List<String> entrypoint,
                       Map<String, String> environment, List<Integer> ports, Healthcheck healthcheck,
                       Map<String, String> labels, int replicas, long memoryBytes, long nanoCpus,
                       RestartPolicy restartPolicy, UpdateConfig updateConfig, Duration stopGrace,
                       Route route, ReleaseSpec release, ServiceWiring wiring, ContainerSettings settings) {
        this(name, image, command, entrypoint, environment, ports, healthcheck, labels, replicas, memoryBytes, nanoCpus,
                restartPolicy, updateConfig, stopGrace, route, release, wiring, settings, List.of(), Placement.ANYWHERE,
                null, null);
    }

    /** A service on its app's default network, mounting nothing, with the image's container settings. */
    public ServiceSpec(String name, String image, List<String> command, List<String> entrypoint,
                       Map<String, String> environment, List<Integer> ports, Healthcheck healthcheck,
                       Map<String, String> labels, int replicas, long memoryBytes, long nanoCpus,
                       RestartPolicy restartPolicy, UpdateConfig updateConfig, Duration stopGrace,
                       Route route, ReleaseSpec release) {
        this(name, image, command, entrypoint, environment, ports, healthcheck, labels, replicas, memoryBytes, nanoCpus,
                restartPolicy, updateConfig, stopGrace, route, release, ServiceWiring.DEFAULT, ContainerSettings.DEFAULT);
    }

    /** Compose {@code healthcheck}; {@code test} is in the engine's form ({@code ["CMD", ...]}, {@code ["CMD-SHELL", "..."]}). */
    public record Healthcheck(List<String> test, Duration interval, Duration timeout, int retries,
                              Duration startPeriod, boolean disabled) {
    }

    /**
     * Compose {@code deploy.restart_policy}; {@code maxAttempts} 0 means unlimited. A {@code window} above 0 gives
     * a replica's slot its attempts back once a replacement has stayed up longer than it; 0 never does.
     */
    public record RestartPolicy(Condition condition, Duration delay, int maxAttempts, Duration window) {
        public enum Condition { NONE, ON_FAILURE, ANY }

        public static final RestartPolicy DEFAULT = new RestartPolicy(Condition.ANY, Duration.ofSeconds(1), 0, Duration.ZERO);

        /** Whether a replica that exited with {@code exitCode} after {@code attempts} restarts is replaced. */
        public boolean replaces(int exitCode, int attempts) {
            if (maxAttempts > 0 && attempts >= maxAttempts) {
                return false;
            }
            return switch (condition) {
                case NONE -> false;
                case ON_FAILURE -> exitCode != 0;
                case ANY -> true;
            };
        }

        /**
         * The attempts a slot has used once its latest replacement has been up for {@code upFor}: 0 when that is
         * longer than {@code window} (the restart worked, as in Swarm), else {@code attempts} unchanged.
         */
        public int attemptsAfter(int attempts, Duration upFor) {
            boolean hasWindow = !window.isZero() && !window.isNegative();
            return hasWindow && upFor.compareTo(window) > 0 ? 0 : attempts;
        }
    }

    /** Compose {@code deploy.update_config}. */
    public record UpdateConfig(int parallelism, Duration delay, Order order, FailureAction failureAction,
                               Duration monitor) {
        public enum Order { START_FIRST, STOP_FIRST }

        public enum FailureAction { ROLLBACK, PAUSE, CONTINUE }

        /** {@code parallelism} not given: a quarter of the replicas at a time, as Kubernetes' 25% maxSurge. */
        public static final int AUTOMATIC = -1;
        /** {@code parallelism: 0}: every replica at once, as {@code docker service update --update-parallelism 0}. */
        public static final int ALL_AT_ONCE = 0;

        /**
         * Slipway's default: a quarter of the replicas at a time (at least one), start-first, roll back after 60 s
         * without health.
         */
        public static final UpdateConfig DEFAULT = new UpdateConfig(AUTOMATIC, Duration.ZERO, Order.START_FIRST,
                FailureAction.ROLLBACK, Duration.ofSeconds(60));

        /** How many replicas of a service of {@code replicas} one batch replaces. */
        public int batch(int replicas) {
            return switch (parallelism) {
                case AUTOMATIC -> Math.max(1, (replicas + 3) / 4);
                case ALL_AT_ONCE -> Math.max(1, replicas);
                default -> parallelism;
            };
        }

        /**
         * The deployer hashes {@link ServiceSpec#toString()} to spot an unchanged deploy: without a parallelism the
         * form is the one it had when the default was 1, so redeploying an unchanged file after a runner upgrade
         * starts no release.
         */
        @Override
        public String toString() {
            return "UpdateConfig[parallelism=" + (parallelism == AUTOMATIC ? "1" : parallelism == ALL_AT_ONCE ? "all"
                    : String.valueOf(parallelism)) + ", delay=" + delay + ", order=" + order + ", failureAction="
                    + failureAction + ", monitor=" + monitor + "]";
        }
    }

    /**
     * {@code x-slipway.route}: the router listens on {@code port} and forwards to {@code targetPort}. Without a
     * Compose health check, a replica is ready when {@code GET healthPath} on {@code targetPort} answers 2xx/3xx
     * within {@code healthTimeout}.
     */
    public record Route(int port, int targetPort, String healthPath, Duration healthTimeout) {
        public static final String DEFAULT_HEALTH_PATH = "/";
        /** Generous: on a busy machine a healthy replica may take seconds to be scheduled and answer. */
        public static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(5);

        /** A route probed with the defaults: {@code GET /} within 5 s. */
        public Route(int port, int targetPort) {
            this(port, targetPort, DEFAULT_HEALTH_PATH, DEFAULT_HEALTH_TIMEOUT);
        }

        /**
         * The deployer hashes {@link ServiceSpec#toString()} to spot an unchanged deploy; a route with the default
         * probe keeps the form it had before the probe could be set, so redeploying an unchanged file after a
         * runner upgrade starts no release.
         */
        @Override
        public String toString() {
            boolean defaults = DEFAULT_HEALTH_PATH.equals(healthPath) && DEFAULT_HEALTH_TIMEOUT.equals(healthTimeout);
            return "Route[port=" + port + ", targetPort=" + targetPort
                    + (defaults ? "" : ", healthPath=" + healthPath + ", healthTimeout=" + healthTimeout) + "]";
        }
    }
}
