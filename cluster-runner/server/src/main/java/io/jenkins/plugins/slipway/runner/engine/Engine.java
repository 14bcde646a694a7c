package io.jenkins.plugins.slipway.runner.engine;

import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.compose.AppResources;
import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where replicas run, spoken in replica sets and endpoints. The reconciler hands an engine the whole desired
 * state ("N replicas of this service at this revision", {@link ReplicaSetSpec}) and gets back the replicas with
 * the address the router reaches them on, the node they run on and their health. How replicas come to be is the
 * engine's business: the local Docker engine starts containers one by one under the runner's supervision
 * ({@code engine/container}); a Swarm or Kubernetes engine hands the sets to its scheduler. An engine declares
 * in {@link #capabilities()} what it does itself (restarts, rescheduling, health checks) and the runner does
 * none of that for it.
 * <p>
 * Every call has a deadline and fails with {@link EngineException} instead of hanging on a stuck daemon.
 */
public interface Engine extends AutoCloseable {

    /** Short name for logs and {@code --engine}: {@code docker}. */
    String name();

    /** What the engine does on its own. */
    Capabilities capabilities();

    /**
     * Moves the engine towards {@code desired} (by app: its replica sets) and answers what it saw. Does not wait
     * for replicas to start or stop: the work goes on in the background and shows in later answers. Replicas of
     * this runner outside the desired sets (apps deleted, sets dropped or scaled down, duplicates) are retired:
     * {@code retire} is called first (it takes them out of traffic and says how long they may take to stop),
     * then they are stopped and removed.
     *
     * @throws EngineException when the engine cannot be read; nothing was changed then
     */
    Observation converge(Map<String, List<ReplicaSetSpec>> desired, Retirement retire);

    /**
     * What a {@link #converge} saw.
     *
     * @param members the replicas that belong to a desired set (index 1..replicas), in any state; a replica that
     *                is being replaced at the moment is left out
     * @param all     every replica of this runner on the engine, members and those on their way out, by app
     */
    record Observation(Map<String, List<Replica>> members, Map<String, List<Replica>> all) {
        public Observation {
            members = Map.copyOf(members);
            all = Map.copyOf(all);
        }
    }

    /** Called before a replica the desired state no longer has is stopped. */
    @FunctionalInterface
    interface Retirement {
        /**
         * Takes the replica out of traffic and waits (bounded) until it serves no request.
         *
         * @return how long it may take to stop before it is killed
         */
        Duration drain(Replica replica);
    }

    /**
     * Makes sure an app's networks and named volumes exist before its replicas start: creates the missing ones
     * and leaves existing ones, with their data, as they are. The reconciler calls it before every
     * {@link #converge} for each app that has replica sets, with what the revisions of those sets declare
     * together; replicas of the app are started on these networks and with these volumes. External networks
     * and volumes are never created, only looked for. Idempotent and cheap when nothing is missing.
     *
     * @throws EngineException when one cannot be created or an external one does not exist (the message names
     *                         it); the app's replicas are then not started
     */
    void prepare(String app, AppResources resources);

    /**
     * Removes what {@link #prepare} made for an app that is deleted: its networks, and its named volumes with
     * their data when {@code volumes} is true. External networks and volumes are never touched. Waits (bounded)
     * for the app's replicas to be gone first, since the engine refuses to remove what a container still uses.
     *
     * @return the volumes removed, and those the engine cannot reach (left where they are, with why)
     * @throws EngineException when a replica is still there after the wait, or the engine refuses
     */
    VolumeRemoval removeApp(String app, boolean volumes, Duration wait);

    /** The engine names of the named volumes the engine keeps for the app, deleted or not; external ones excluded. */
    List<String> volumes(String app);

    /**
     * Where the app's networks meet the runner's host, by the key the Compose file gives them: the runner routes
     * the app's calls by name to its routed services through there. Empty when the engine gives the host no
     * address on them (then those calls go to the replicas directly).
     */
    default Map<String, NetworkAddress> networkAddresses(String app) {
        return Map.of();
    }

    /** Why the engine could not start replica {@code index} of a service at a revision lately, or null. */
    String startFailure(String app, String service, int revision, int index);

    /**
     * Calls {@code listener} as soon as the engine reports that a replica of this runner stopped, so that the
     * runner reconciles at once. Best effort: the reconciler also runs every second.
     */
    AutoCloseable onChange(Runnable listener);

    /**
     * Runs one-shot containers (tasks) on this engine.
     *
     * @throws EngineException when this engine does not run tasks
     */
    default TaskEngine tasks() {
        throw new EngineException("the " + name() + " engine does not run tasks", null);
    }

    /**
     * Reads its replicas' CPU and memory use, for autoscaling on {@code cpuPercent} and {@code memoryPercent}.
     * Asked once when the runner starts: an engine that cannot makes the deployer refuse those targets.
     *
     * @throws EngineException when this engine does not report them (the message says why)
     */
    default ReplicaStats stats() {
        throw new EngineException("the " + name() + " engine does not report its replicas' CPU and memory use", null);
    }

    /**
     * The services of {@code spec} this engine runs as one replica at most, each with why (a read-write volume that
     * one node at a time can mount); empty when none is. A deploy with more replicas of one is refused, and the
     * plan and the release's first event say why.
     */
    default Map<String, String> oneReplicaOnly(AppSpec spec) {
        return Map.of();
    }

    /**
     * Where this engine pins services of {@code spec} deployed as {@code app}, each with why, as the plan and the
     * deploy's warnings say it ("web: pinned to node n2 ... because of named volume data"); empty when it pins none.
     * Reads only: a node it would choose is not recorded here. Never fails: what it cannot find out is in the text.
     */
    default Map<String, String> pins(String app, AppSpec spec) {
        return Map.of();
    }

    /**
     * What in {@code spec} this engine cannot run as written, each with its field path and why (a deploy with any
     * is refused before anything is stored); empty when it runs all of it.
     */
    default List<ApiError.Problem> refusals(AppSpec spec) {
        return List.of();
    }

    /**
     * As {@link #refusals(AppSpec)}, knowing the size of each secret and config value the deploy brings (an engine
     * whose objects have a size limit refuses a file that would exceed it).
     */
    default List<ApiError.Problem> refusals(AppSpec spec, FileSizes sizes) {
        return refusals(spec);
    }

    /**
     * What in {@code spec} this engine reads but does not apply, as deploy warnings {@code "path: why"} (the
     * answer, the validation plan and the build log carry them); empty when it applies all of it.
     */
    default List<String> notApplied(AppSpec spec) {
        return List.of();
    }

    @Override
    void close();
}
