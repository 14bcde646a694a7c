package io.jenkins.plugins.slipway.runner.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.slipway.runner.Json;
import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.compose.ComposeParser;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    private static final Strategies STRATEGIES = strategies();

    private static Strategies strategies() {
        Strategies s = Strategies.defaults();
        for (String name : List.of("canary", "blueGreen")) {
            s.register(new Strategy() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public Start begin(List<ServiceChange> changes, List<ReplicaSet> current) {
                    return new Start(GrayPlans.initialState(changes, current), 0);
                }

                @Override
                public void reconcile(ReleaseContext ctx) {
                }
            });
        }
        return s;
    }

    private static AppSpec spec() throws Exception {
        return new ComposeParser(Set.of("rolling", "canary", "blueGreen")).parse(PAIR, Map.of()).spec();
    }

    private static ServiceChange change(AppSpec spec, String service, Integer from, Integer to) {
        return new ServiceChange(service, from, from == null ? 0 : 1, to, spec.services().get(service));
    }

    @Test
    void theFirstReplacedGrayServiceLeadsAndTheOthersFollowWithAWarning() throws Exception {
        AppSpec spec = spec();
        List<ServiceChange> changes = List.of(change(spec, "web", 1, 2), change(spec, "api", 1, 2),
                change(spec, "worker", 1, 2));
        assertThat(STRATEGIES.choose(changes).name()).isEqualTo("canary");
        // As saved: the JSON keys of the release state column.
        ObjectNode state = Json.MAPPER.valueToTree(GrayPlans.initialState(changes, SETS));
        assertThat(state.get("lead").asText()).isEqualTo("web");
        assertThat(state.get("services")).hasSize(3);
        assertThat(state.get("original")).hasSize(3);
        assertThat(state.get("index").asInt()).isZero();
        assertThat(state.get("warnings")).singleElement().satisfies(w -> assertThat(w.asText())
                .startsWith("services.api.x-slipway.release:").contains("web").doesNotContain("worker"));
    }

    @Test
    void aRevisionChangingOnlyABlueGreenServiceIsBlueGreen() throws Exception {
        AppSpec spec = spec();
        List<ServiceChange> changes = List.of(change(spec, "api", 1, 2));
        assertThat(STRATEGIES.choose(changes).name()).isEqualTo("blueGreen");
        // As saved: the JSON keys of the release state column.
        ObjectNode state = Json.MAPPER.valueToTree(GrayPlans.initialState(changes, SETS));
        assertThat(state.get("lead").asText()).isEqualTo("api");
        assertThat(state.get("warnings")).isEmpty();
    }

    @Test
    void rollingServicesOrNewOnesMakeARollingRelease() throws Exception {
        AppSpec spec = spec();
        assertThat(STRATEGIES.choose(List.of(change(spec, "worker", 1, 2))).name()).isEqualTo("rolling");
        // An app's first release: a canary service that did not run before has nothing to compare with.
        assertThat(STRATEGIES.choose(List.of(change(spec, "web", null, 2), change(spec, "api", null, 2))).name())
                .isEqualTo("rolling");
    }

    @Test
    void grayServiceKnowsWhatIsReplaced() {
        assertThat(new GrayService("web", 1, 2, 3).replaced()).isTrue();
        assertThat(new GrayService("web", null, 2, 3).replaced()).isFalse();
        assertThat(new GrayService("web", 1, null, 0).replaced()).isFalse();
    }
}
