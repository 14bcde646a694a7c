package io.jenkins.plugins.slipway.runner.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where replicas run. The release and reconcile logic only ever talk to this interface, so a Swarm or a
 * Kubernetes engine plugs in beside {@code engine/docker} without touching them. Every call has a deadline
 * and fails with {@link EngineException} instead of hanging on a stuck daemon.
 */
public interface Engine extends AutoCloseable {

    /** Short name for logs and {@code --engine}: {@code docker}. */
    String name();

    /**
     * Creates and starts one replica; its ports are published on 127.0.0.1 with random host ports. The
     * returned replica carries its id, name and labels; ports and health come with the next {@link #list}.
     * Pulls the image first when the engine does not have it.
     *
     * @throws EngineException when the engine refuses (the message says why: no such image, name in use, ...)
     */
    Replica start(ReplicaSpec spec);

    /** Every replica (running or not) carrying all of {@code labels}. */
    List<Replica> list(Map<String, String> labels);

    /** Stops a replica (SIGTERM, then SIGKILL after {@code grace}) and removes it. Absent is not an error. */
    void remove(String id, Duration grace);

    /**
     * Calls {@code listener} with the id of each replica carrying {@code labels} that exits, as soon as the
     * engine says so. Best effort: the reconciler also polls, so a missed event only delays a replacement.
     */
    AutoCloseable onExit(Map<String, String> labels, Consumer<String> listener);

    @Override
    void close();
}
