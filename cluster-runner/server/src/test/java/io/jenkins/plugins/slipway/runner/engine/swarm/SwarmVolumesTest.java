package io.jenkins.plugins.slipway.runner.engine.swarm;

import static io.jenkins.plugins.slipway.runner.engine.swarm.NodeChoiceTest.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.compose.ComposeParser;
import io.jenkins.plugins.slipway.runner.engine.EngineException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which node a service mounting a named volume is pinned to, and which services run one replica. */
class SwarmVolumesTest {
    private static final String APP = """
            services:
              db:
                image: db:1
                volumes: ["data:/var/lib/db", "logs:/var/log/db"]
                deploy:
                  placement: {constraints: ["node.role == worker"]}
              reader:
                image: r:1
                volumes: ["data:/data:ro"]
                deploy: {replicas: 3}
              shared:
                image: s:1
                volumes: ["files:/files"]
                deploy: {replicas: 3}
              scratch:
                image: s:1
                volumes: ["/tmp/scratch"]
                tmpfs: [/cache]
                deploy: {replicas: 3}
            volumes:
              data: {}
              logs: {}
              files: {external: true, name: nfs-files}
            """;
    private static final SwarmClient.Node MANAGER = node("m1", "mgr", "manager", true, true, Map.of());
    private static final SwarmClient.Node W1 = node("w1", "worker-1", "worker", true, true, Map.of());
    private static final SwarmClient.Node W2 = node("w2", "worker-2", "worker", true, true, Map.of());

    private static AppSpec spec() throws Exception {
        return new ComposeParser().parse(APP, Map.of()).spec();
    }

    private static SwarmVolumes.Decision decide(String service, List<SwarmClient.Node> nodes) throws Exception {
        AppSpec spec = spec();
        return SwarmVolumes.decide("r1", "shop", spec.services().get(service), spec.resources(), nodes, "m1");
    }

    @Test
    void theFirstServiceToMountAVolumeChoosesItsNodeAndLabelsItForEveryVolumeItMounts() throws Exception {
        SwarmVolumes.Decision d = decide("db", List.of(W2, MANAGER, W1));

        assertThat(d.node()).as("the constraints exclude the manager: the first worker by id").isEqualTo(W1);
        assertThat(d.chosenNow()).isTrue();
        assertThat(d.volume()).isEqualTo("data");
        assertThat(d.labels()).containsExactly(
                Map.entry("io.slipway.volume.slipway-shop-data-r1", "r1/shop/data"),
                Map.entry("io.slipway.volume.slipway-shop-logs-r1", "r1/shop/logs"));
    }

    @Test
    void aVolumeWithANodeKeepsItForEveryServiceMountingItEvenReadOnly() throws Exception {
        SwarmClient.Node pinned = node("w2", "worker-2", "worker", false, true,
                Map.of("io.slipway.volume.slipway-shop-data-r1", "r1/shop/data"));

        SwarmVolumes.Decision reader = decide("reader", List.of(MANAGER, W1, pinned));
        assertThat(reader.node()).as("the node the volume lives on, though the manager fits and it is down")
                .isEqualTo(pinned);
        assertThat(reader.chosenNow()).isFalse();
        assertThat(reader.labels()).isEmpty();

        SwarmVolumes.Decision db = decide("db", List.of(MANAGER, W1, pinned));
        assertThat(db.node()).isEqualTo(pinned);
        assertThat(db.labels()).as("its other volume goes with it")
                .containsExactly(Map.entry("io.slipway.volume.slipway-shop-logs-r1", "r1/shop/logs"));
    }

    @Test
    void volumesOnTwoNodesOrANodeTheConstraintsExcludeAreNamedInTheFailure() {
        SwarmClient.Node m = node("m1", "mgr", "manager", true, true,
                Map.of("io.slipway.volume.slipway-shop-data-r1", "r1/shop/data"));
        assertThatThrownBy(() -> decide("db", List.of(m, W1)))
                .isInstanceOf(EngineException.class)
                .hasMessage("named volume data lives on node mgr, which the placement constraints of service db"
                        + " exclude (node.role == worker); keep that node in the constraints");

        SwarmClient.Node w = node("w1", "worker-1", "worker", true, true,
                Map.of("io.slipway.volume.slipway-shop-data-r1", "r1/shop/data"));
        SwarmClient.Node w2 = node("w2", "worker-2", "worker", true, true,
                Map.of("io.slipway.volume.slipway-shop-logs-r1", "r1/shop/logs"));
        assertThatThrownBy(() -> decide("db", List.of(w, w2)))
                .hasMessageStartingWith("service db mounts named volumes that live on different nodes: data on"
                        + " worker-1, logs on worker-2");

        assertThatThrownBy(() -> decide("db", List.of(MANAGER)))
                .hasMessage("no node that is up and active meets the placement constraints of service db"
                        + " (node.role == worker) to make named volume data on");
    }

    @Test
    void externalAnonymousAndTmpfsMountsPinNothing() throws Exception {
        assertThat(decide("shared", List.of(MANAGER, W1))).isNull();
        assertThat(decide("scratch", List.of(MANAGER, W1))).isNull();
    }

    @Test
    void aServiceWritingToAVolumeTheEngineMakesRunsOneReplicaAsOnKubernetes() throws Exception {
        assertThat(SwarmVolumes.oneReplicaOnly(spec())).containsOnlyKeys("db");
        assertThat(SwarmVolumes.oneReplicaOnly(spec()).get("db")).startsWith("it writes to named volume data, a local"
                + " volume that lives on one node");
    }
}
