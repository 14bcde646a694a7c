package io.jenkins.plugins.slipway.runner.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.compose.SpecCache;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import io.jenkins.plugins.slipway.runner.reconcile.ObservedReplica;
import io.jenkins.plugins.slipway.runner.routing.Backend;
import io.jenkins.plugins.slipway.runner.routing.RouteSpec;
import io.jenkins.plugins.slipway.runner.routing.RouterOptions;
import io.jenkins.plugins.slipway.runner.routing.netty.NettyRouter;
import io.jenkins.plugins.slipway.runner.store.AppRecord;
import io.jenkins.plugins.slipway.runner.store.AppRepository;
import io.jenkins.plugins.slipway.runner.store.Database;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import io.jenkins.plugins.slipway.runner.store.RevisionRecord;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which replicas become backends of a route, against a real router and store: probes failing on a busy machine
 * never take a revision with weight out of its route, and never leave a route without backends.
 */
class RouteSyncTest {
    private static final String APP = "shop";
    @TempDir
    Path dir;
    private Database db;
    private NettyRouter router;
    private RouteSync sync;

    @BeforeEach
    void open() throws Exception {
        db = Database.open(dir);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String compose = """
                services:
                  web:
                    image: img
                    x-slipway:
                      route: {port: %d, targetPort: 8080}
                """.formatted(port);
        AppRepository apps = new AppRepository();
        db.tx(c -> {
            apps.save(c, new AppRecord(APP, 2, 2, null));
            apps.saveRevision(c, new RevisionRecord(APP, 1, compose, Map.of(), "h1", Map.of("web", 1), null));
            apps.saveRevision(c, new RevisionRecord(APP, 2, compose, Map.of(), "h2", Map.of("web", 2), null));
            return null;
        });
        router = new NettyRouter(RouterOptions.defaults().withIoThreads(1));
        sync = new RouteSync(router, new SpecCache(db, apps), "127.0.0.1");
    }

    @AfterEach
    void close() {
        router.close();
        db.close();
    }

    private static ObservedReplica replica(int revision, int index, boolean healthy, boolean servedBefore) {
        Map<String, String> labels = Map.of(Labels.APP, APP, Labels.SERVICE, "web",
                Labels.REVISION, String.valueOf(revision), Labels.REPLICA, String.valueOf(index));
        int hostPort = 30000 + revision * 100 + index;
        Replica r = new Replica("c" + revision + index, Labels.containerName(APP, "web", revision, index), labels,
                Replica.State.RUNNING, 0, Replica.Health.NONE, Map.of(8080, hostPort));
        return new ObservedReplica(r, healthy, healthy ? "ok" : "slow", hostPort, servedBefore);
    }

    private RouteSpec route() {
        return router.spec(RouteSync.routeName(APP, "web")).orElseThrow();
    }

    private Map<String, Boolean> healthById() {
        return route().backends().stream().collect(java.util.stream.Collectors.toMap(Backend::id, Backend::healthy));
    }

    @Test
    void replicaFailingItsProbesAfterServingStaysABackendMarkedUnhealthy() {
        sync.sync(APP, List.of(new ReplicaSet(APP, "web", 1, 2, 100)),
                List.of(replica(1, 1, true, true), replica(1, 2, false, true)));

        assertThat(healthById()).containsExactlyInAnyOrderEntriesOf(Map.of("c11", true, "c12", false));
        assertThat(route().weights()).isEqualTo(Map.of("1", 100));
    }

    @Test
    void revisionWithWeightKeepsItWhenEveryProbeOfItFails() {
        sync.sync(APP, List.of(new ReplicaSet(APP, "web", 1, 2, 80), new ReplicaSet(APP, "web", 2, 1, 20)),
                List.of(replica(1, 1, false, true), replica(1, 2, false, true), replica(2, 1, true, true)));

        // Before: revision 1 vanished and the canary took 100%. Now the weights stand and the router panics.
        assertThat(route().weights()).isEqualTo(Map.of("1", 80, "2", 20));
        assertThat(healthById()).containsExactlyInAnyOrderEntriesOf(Map.of("c11", false, "c12", false, "c21", true));
    }

    @Test
    void replicaNeverReadyIsNotABackendYet() {
        sync.sync(APP, List.of(new ReplicaSet(APP, "web", 1, 1, 80), new ReplicaSet(APP, "web", 2, 1, 20)),
                List.of(replica(1, 1, true, true), replica(2, 1, false, false)));

        assertThat(healthById()).containsOnlyKeys("c11");
        assertThat(route().weights()).isEqualTo(Map.of("1", 100));
    }

    @Test
    void nothingHealthyWithWeightStillServesFromWhatRuns() {
        sync.sync(APP, List.of(new ReplicaSet(APP, "web", 1, 1, 0), new ReplicaSet(APP, "web", 2, 1, 100)),
                List.of(replica(1, 1, false, true), replica(2, 1, false, false)));

        assertThat(healthById()).containsExactlyInAnyOrderEntriesOf(Map.of("c11", false));
        assertThat(route().weights()).isEqualTo(Map.of("1", 100));
    }
}
