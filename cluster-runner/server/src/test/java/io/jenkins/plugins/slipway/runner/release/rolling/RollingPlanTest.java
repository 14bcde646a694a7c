package io.jenkins.plugins.slipway.runner.release.rolling;

import io.jenkins.plugins.slipway.runner.release.RollingStep;
import io.jenkins.plugins.slipway.runner.release.ServiceChange;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec.UpdateConfig.Order;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RollingPlanTest {
    private static final Order START = Order.START_FIRST;

    private static ServiceChange change(String service, Integer from, int oldReplicas, Integer to, int newReplicas,
                                        int parallelism, Order order) {
        ServiceSpec spec = to == null ? null : new ServiceSpec(service, "img", null, null, Map.of(), List.of(), null,
                Map.of(), newReplicas, 0, 0, ServiceSpec.RestartPolicy.DEFAULT,
                new ServiceSpec.UpdateConfig(parallelism, Duration.ZERO, order,
                        ServiceSpec.UpdateConfig.FailureAction.ROLLBACK, Duration.ofSeconds(60)),
                Duration.ofSeconds(1), null, new ReleaseSpec.Rolling());
        return new ServiceChange(service, from, oldReplicas, to, spec);
    }

    @Test
    void oneAtATime() {
        assertThat(RollingPlan.plan(List.of(change("web", 4, 3, 5, 3, 1, START)))).containsExactly(
                new RollingStep("web", 4, 5, 1, 2, START),
                new RollingStep("web", 4, 5, 2, 1, START),
                new RollingStep("web", 4, 5, 3, 0, START));
    }

    @Test
    void withoutParallelismAQuarterOfTheReplicasAtATime() {
        int automatic = ServiceSpec.UpdateConfig.AUTOMATIC;
        assertThat(RollingPlan.plan(List.of(change("web", 1, 10, 2, 10, automatic, START)))).containsExactly(
                new RollingStep("web", 1, 2, 3, 7, START),
                new RollingStep("web", 1, 2, 6, 4, START),
                new RollingStep("web", 1, 2, 9, 1, START),
                new RollingStep("web", 1, 2, 10, 0, START));
        assertThat(RollingPlan.plan(List.of(change("web", 1, 3, 2, 3, automatic, START)))).hasSize(3);
    }

    @Test
    void parallelismZeroReplacesEveryReplicaAtOnce() {
        assertThat(RollingPlan.plan(List.of(change("web", 1, 4, 2, 4, ServiceSpec.UpdateConfig.ALL_AT_ONCE, START))))
                .containsExactly(new RollingStep("web", 1, 2, 4, 0, START));
    }

    @Test
    void parallelismTwoOfFive() {
        assertThat(RollingPlan.plan(List.of(change("web", 1, 5, 2, 5, 2, START)))).containsExactly(
                new RollingStep("web", 1, 2, 2, 3, START),
                new RollingStep("web", 1, 2, 4, 1, START),
                new RollingStep("web", 1, 2, 5, 0, START));
    }

    @Test
    void scaleUpAndDownDuringTheRelease() {
        assertThat(RollingPlan.plan(List.of(change("web", 1, 1, 2, 3, 1, START)))).containsExactly(
                new RollingStep("web", 1, 2, 1, 0, START),
                new RollingStep("web", 1, 2, 2, 0, START),
                new RollingStep("web", 1, 2, 3, 0, START));
        assertThat(RollingPlan.plan(List.of(change("web", 1, 4, 2, 1, 1, START)))).containsExactly(
                new RollingStep("web", 1, 2, 1, 3, START),
                new RollingStep("web", 1, 2, 1, 2, START),
                new RollingStep("web", 1, 2, 1, 1, START),
                new RollingStep("web", 1, 2, 1, 0, START));
    }

    @Test
    void newAndRemovedServicesAndZeroReplicas() {
        assertThat(RollingPlan.plan(List.of(
                change("api", null, 0, 3, 2, 2, START),
                change("old", 1, 2, null, 0, 1, START),
                change("idle", 1, 0, 3, 0, 1, START)))).containsExactly(
                new RollingStep("api", null, 3, 2, 0, START),
                new RollingStep("old", 1, null, 0, 1, START),
                new RollingStep("old", 1, null, 0, 0, START),
                new RollingStep("idle", 1, 3, 0, 0, START));
    }

    @Test
    void describesStepsForTheBuildLog() {
        assertThat(new RollingStep("web", 4, 5, 3, 0, START).describe())
                .isEqualTo("start 3 replicas of web at revision 5, then stop all of web at revision 4");
        assertThat(new RollingStep("web", null, 1, 1, 0, START).describe()).isEqualTo("start 1 replica of web at revision 1");
        assertThat(new RollingStep("web", 4, 5, 1, 2, Order.STOP_FIRST).describe())
                .isEqualTo("start 1 replica of web at revision 5 after leave 2 of web at revision 4");
    }
}
