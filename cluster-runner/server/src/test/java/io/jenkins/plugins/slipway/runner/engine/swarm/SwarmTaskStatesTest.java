package io.jenkins.plugins.slipway.runner.engine.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jenkins.plugins.slipway.runner.engine.Replica;
import org.junit.jupiter.api.Test;

class SwarmTaskStatesTest {
    @Test
    void aStartingTaskWithoutHealthCheckIsLeftToTheRunnersProbe() {
        assertEquals(Replica.State.RUNNING, SwarmEngine.stateOf("starting"));
        assertEquals(Replica.Health.NONE, SwarmEngine.healthOf("starting", false),
                "no health check: Swarm's 'starting' is no verdict, the runner's probe decides");
        assertEquals(Replica.Health.NONE, SwarmEngine.healthOf("running", false));
    }

    @Test
    void withAHealthCheckSwarmsVerdictStands() {
        assertEquals(Replica.Health.STARTING, SwarmEngine.healthOf("starting", true));
        assertEquals(Replica.Health.HEALTHY, SwarmEngine.healthOf("running", true));
        assertEquals(Replica.Health.NONE, SwarmEngine.healthOf("preparing", true));
    }

    @Test
    void tasksOnTheirWayAndFinishedAreNotRunning() {
        assertEquals(Replica.State.CREATED, SwarmEngine.stateOf("assigned"));
        assertEquals(Replica.State.CREATED, SwarmEngine.stateOf("preparing"));
        assertEquals(Replica.State.EXITED, SwarmEngine.stateOf("shutdown"));
        assertEquals(Replica.State.EXITED, SwarmEngine.stateOf("failed"));
        assertEquals(Replica.State.OTHER, SwarmEngine.stateOf("unknown-state"));
    }
}
