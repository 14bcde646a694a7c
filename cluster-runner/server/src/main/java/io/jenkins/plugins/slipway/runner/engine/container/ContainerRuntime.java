package io.jenkins.plugins.slipway.runner.engine.container;

import io.jenkins.plugins.slipway.runner.compose.AppResources;
import io.jenkins.plugins.slipway.runner.engine.Capabilities;
import io.jenkins.plugins.slipway.runner.engine.EngineException;
import io.jenkins.plugins.slipway.runner.engine.NetworkAddress;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import io.jenkins.plugins.slipway.runner.engine.ReplicaStats;
import io.jenkins.plugins.slipway.runner.engine.TaskEngine;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An engine that runs containers one at a time and knows nothing of replica sets (the local Docker engine).
 * {@link ContainerEngine} turns it into an {@link io.jenkins.plugins.slipway.runner.engine.Engine}. Every call
 * has a deadline and fails with {@link EngineException} instead of hanging on a stuck daemon.
 */
public interface ContainerRuntime extends AutoCloseable {

    /** Short name for logs and {@code --engine}: {@code docker}. */
    String name();

    /** What the runtime does on its own; {@link ContainerEngine} does the rest. */
    Capabilities capabilities();

    /**
     * Creates and starts one container; its ports are published with host ports the runtime chooses. The returned
     * replica carries its id, name and labels; endpoints and health come with the next {@link #list}. Pulls the
     * image first when the runtime does not have it.
     *
     * @throws EngineException when the runtime refuses (the message says why: no such image, name in use, ...)
     */
    Replica start(ReplicaSpec spec);

    /** Every container (running or not) carrying all of {@code labels}. */
    List<Replica> list(Map<String, String> labels);

    /** Stops a container (SIGTERM, then SIGKILL after {@code grace}) and removes it. Absent is not an error. */
    void remove(String id, Duration grace);

    /**
     * Calls {@code listener} with the id of each container carrying {@code labels} that exits, as soon as the
     * runtime says so. Best effort: the reconciler also polls, so a missed event only delays a replacement.
     */
    AutoCloseable onExit(Map<String, String> labels, Consumer<String> listener);

    /**
     * Creates network {@code name} unless it exists (an existing one is kept as it is).
     *
     * @throws EngineException when the runtime refuses (bad driver option, address pool exhausted, ...)
     */
    void ensureNetwork(String name, AppResources.Network network, Map<String, String> labels);

    /** Creates volume {@code name} unless it exists (an existing one keeps its data). */
    void ensureVolume(String name, AppResources.Volume volume, Map<String, String> labels);

    /** Whether a network of that name exists (for {@code external: true}). */
    boolean networkExists(String name);

    /** Whether a volume of that name exists (for {@code external: true}). */
    boolean volumeExists(String name);

    /** Names of the networks carrying all of {@code labels}. */
    List<String> networks(Map<String, String> labels);

    /** Names of the volumes carrying all of {@code labels}. */
    List<String> volumes(Map<String, String> labels);

    /** Removes a network; absent is not an error. */
    void removeNetwork(String name);

    /** Removes a volume and its data; absent is not an error. */
    void removeVolume(String name);

    /**
     * Where the host meets network {@code name}: its gateway and IPv4 subnet when it is a bridge the host sits on;
     * null for another driver, a network without an IPv4 gateway, or none of that name.
     */
    NetworkAddress networkAddress(String name);

    /**
     * Reads its containers' CPU and memory use ({@link io.jenkins.plugins.slipway.runner.engine.Engine#stats()}).
     *
     * @throws EngineException when this runtime does not report them
     */
    default ReplicaStats stats() {
        throw new EngineException("the " + name() + " runtime does not report its containers' CPU and memory use",
                null);
    }

    /**
     * Runs one-shot containers (tasks) labelled as this runner's.
     *
     * @param runnerId the id the runner's containers carry
     * @throws EngineException when this runtime does not run tasks
     */
    default TaskEngine tasks(String runnerId) {
        throw new EngineException("the " + name() + " runtime does not run tasks", null);
    }

    /**
     * Runs a task in a container set up as {@code container} says (networks with their aliases, mounts, secrets
     * and configs written before it starts, settings); its ports and health check are not used. The container
     * carries {@code container}'s labels, which mark it as a task of this runner.
     *
     * @param taskId the runner's id of the task, for messages
     * @throws EngineException when this runtime does not run tasks, or refuses this one
     */
    default TaskEngine.TaskContainer startTask(String runnerId, String taskId, ReplicaSpec container,
                                               TaskEngine.Output output) {
        throw new EngineException("the " + name() + " runtime does not run tasks", null);
    }

    @Override
    void close();
}
