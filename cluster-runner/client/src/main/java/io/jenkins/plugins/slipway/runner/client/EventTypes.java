package io.jenkins.plugins.slipway.runner.client;

import java.util.Set;

/** The event types a release emits, in the order a person would meet them. */
public final class EventTypes {
    public static final String RELEASE_STARTED = "ReleaseStarted";
    /** A one-shot service of the release (a hook) waits for its {@code depends_on}. */
    public static final String HOOK_WAITING = "HookWaiting";
    /** A hook's task started; the event names the task, whose log the tasks API serves. */
    public static final String HOOK_STARTED = "HookStarted";
    /** A hook's task ended: its state, exit code and duration. */
    public static final String HOOK_ENDED = "HookEnded";
    public static final String STEP_STARTED = "StepStarted";
    public static final String REPLICA_STARTED = "ReplicaStarted";
    public static final String REPLICA_HEALTHY = "ReplicaHealthy";
    public static final String REPLICA_UNHEALTHY = "ReplicaUnhealthy";
    public static final String REPLICA_STOPPED = "ReplicaStopped";
    public static final String TRAFFIC_SHIFTED = "TrafficShifted";
    /**
     * The autoscaler resized a service during its canary: the stable revision runs the new total, the canary its
     * weight's share of it.
     */
    public static final String RELEASE_SCALED = "ReleaseScaled";
    public static final String ANALYSIS_MEASURED = "AnalysisMeasured";
    public static final String RELEASE_PAUSED = "ReleasePaused";
    public static final String RELEASE_RESUMED = "ReleaseResumed";
    public static final String ROLLBACK_STARTED = "RollbackStarted";
    public static final String RELEASE_SUCCEEDED = "ReleaseSucceeded";
    public static final String RELEASE_FAILED = "ReleaseFailed";
    public static final String RELEASE_ROLLED_BACK = "ReleaseRolledBack";
    public static final String RELEASE_ABORTED = "ReleaseAborted";

    /** The autoscaler changed a service's replicas; the event has the measures beside the targets. */
    public static final String AUTOSCALED = "Autoscaled";
    /** The autoscaler makes no decision for an app while a release of it is in progress. */
    public static final String AUTOSCALE_HELD = "AutoscaleHeld";

    /** Types after which the stream ends. */
    public static final Set<String> TERMINAL =
            Set.of(RELEASE_SUCCEEDED, RELEASE_FAILED, RELEASE_ROLLED_BACK, RELEASE_ABORTED);

    private EventTypes() {
    }
}
