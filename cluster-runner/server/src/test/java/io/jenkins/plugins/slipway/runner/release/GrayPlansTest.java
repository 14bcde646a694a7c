package io.jenkins.plugins.slipway.runner.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.compose.ComposeParser;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec.UpdateConfig.Order;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GrayPlansTest {
    private static final String PAIR = """
            services:
              web:
                image: web
                deploy: {replicas: 4}
                x-slipway:
                  route: {port: 8080, targetPort: 80}
                  release: {strategy: canary, steps: [{setWeight: 20}, {pause: {}}]}
              api:
                image: api
                x-slipway:
                  route: {port: 8090, targetPort: 80}
                  release: {strategy: blueGreen}
              worker:
                image: worker
            """;
    private static final List<ReplicaSet> SETS = List.of(new ReplicaSet("shop", "web", 1, 4, 100),
            new ReplicaSet("shop", "api", 1, 1, 100), new ReplicaSet("shop", "worker", 1, 1, 100));

    private static AppSpec spec(String compose) throws Exception {
        return new ComposeParser().parse(compose, Map.of()).spec();
    }

    private static RollingPlan.Change change(String service, Integer from, Integer to, int replicas) {
        return new RollingPlan.Change(service, from, 1, to, replicas, 1, Order.START_FIRST);
    }

    @Test
    void theFirstReplacedGrayServiceLeadsAndTheOthersFollowWithAWarning() throws Exception {
        Optional<GrayPlans.Initial> plan = GrayPlans.initial(spec(PAIR),
                List.of(change("web", 1, 2, 4), change("api", 1, 2, 1), change("worker", 1, 2, 1)), SETS);
        assertThat(plan).isPresent();
        assertThat(plan.get().strategy()).isEqualTo("canary");
        assertThat(plan.get().stepCount()).isEqualTo(2);
        assertThat(plan.get().lead()).isEqualTo("web");
        assertThat(plan.get().state().get("services")).hasSize(3);
        assertThat(plan.get().state().get("original")).hasSize(3);
        assertThat(plan.get().state().get("index").asInt()).isZero();
        assertThat(plan.get().warnings()).singleElement().asString()
                .startsWith("services.api.x-slipway.release:").contains("web").doesNotContain("worker");
    }

    @Test
    void aRevisionChangingOnlyABlueGreenServiceIsBlueGreen() throws Exception {
        Optional<GrayPlans.Initial> plan = GrayPlans.initial(spec(PAIR), List.of(change("api", 1, 2, 1)), SETS);
        assertThat(plan).hasValueSatisfying(p -> {
            assertThat(p.strategy()).isEqualTo("blueGreen");
            assertThat(p.stepCount()).isEqualTo(4);
            assertThat(p.lead()).isEqualTo("api");
            assertThat(p.warnings()).isEmpty();
        });
    }

    @Test
    void rollingServicesOrNewOnesMakeARollingRelease() throws Exception {
        assertThat(GrayPlans.initial(spec(PAIR), List.of(change("worker", 1, 2, 1)), SETS)).isEmpty();
        // A canary service that did not run before has nothing to compare with.
        assertThat(GrayPlans.initial(spec(PAIR), List.of(change("web", null, 2, 4)), SETS)).isEmpty();
    }

    @Test
    void serviceChangeKnowsWhatIsReplaced() {
        assertThat(new ServiceChange("web", 1, 2, 3).replaced()).isTrue();
        assertThat(new ServiceChange("web", null, 2, 3).replaced()).isFalse();
        assertThat(new ServiceChange("web", 1, null, 0).replaced()).isFalse();
    }
}
