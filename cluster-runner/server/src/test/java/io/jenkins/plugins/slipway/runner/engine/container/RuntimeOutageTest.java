package io.jenkins.plugins.slipway.runner.engine.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.engine.EngineException;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuntimeOutageTest {
    private static final EngineException REFUSED = new EngineException("listing containers failed: Connection refused", null);

    private final RuntimeOutage outage = new RuntimeOutage();

    @Test
    void replicasRunningBeforeTheRuntimeWasLostAndExitedWhenItAnswersAgainWereStoppedByItsRestart() {
        outage.answered("docker", List.of(replica("a", Replica.State.RUNNING), replica("b", Replica.State.RUNNING),
                replica("c", Replica.State.EXITED)));
        outage.lost("docker", REFUSED);
        outage.lost("docker", REFUSED);
        outage.answered("docker", List.of(replica("a", Replica.State.EXITED), replica("b", Replica.State.RUNNING),
                replica("c", Replica.State.EXITED)));

        assertThat(outage.stopped("a")).as("ran, then exited across the outage").isTrue();
        assertThat(outage.stopped("a")).as("asked once: it is being started again").isFalse();
        assertThat(outage.stopped("b")).as("survived").isFalse();
        assertThat(outage.stopped("c")).as("had exited before the outage: its own failure").isFalse();
    }

    @Test
    void anExitWithoutAnOutageIsTheReplicasOwn() {
        outage.answered("docker", List.of(replica("a", Replica.State.RUNNING)));
        outage.answered("docker", List.of(replica("a", Replica.State.EXITED)));

        assertThat(outage.stopped("a")).isFalse();
    }

    @Test
    void aStoppedReplicaThatIsGoneIsForgotten() {
        outage.answered("docker", List.of(replica("a", Replica.State.RUNNING)));
        outage.lost("docker", REFUSED);
        outage.answered("docker", List.of(replica("a", Replica.State.EXITED)));
        outage.answered("docker", List.of());

        assertThat(outage.stopped("a")).isFalse();
    }

    private static Replica replica(String id, Replica.State state) {
        return new Replica(id, "slipway-shop-web-1-1-0123456789ab", Map.of(), state, state == Replica.State.EXITED ? 137 : 0,
                Replica.Health.NONE, "local", Map.of());
    }
}
