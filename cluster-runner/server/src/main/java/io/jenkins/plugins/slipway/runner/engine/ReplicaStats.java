package io.jenkins.plugins.slipway.runner.engine;

/**
 * Reads what a running replica uses of the machine, for autoscaling on {@code cpuPercent} and
 * {@code memoryPercent} ({@link Engine#stats()}). One call reads one replica once; the autoscaler makes at most one
 * per ready replica per pass, so an implementation need keep no state.
 */
public interface ReplicaStats {
    /**
     * The replica's counters now.
     *
     * @throws EngineException when they cannot be read (the replica is gone, the engine does not answer within the
     *                         reader's own short deadline)
     */
    UsageSample read(Replica replica);
}
