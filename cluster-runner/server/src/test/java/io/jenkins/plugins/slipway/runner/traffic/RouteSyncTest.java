package io.jenkins.plugins.slipway.runner.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.compose.SpecCache;
import io.jenkins.plugins.slipway.runner.engine.Endpoint;
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
        Endpoint endpoint = new Endpoint("127.0.0.1", 30000 + revision * 100 + index);
        Replica r = new Replica("c" + revision + index, Labels.containerName(APP, "web", revision, index), labels,
                Replica.State.RUNNING, 0, Replica.Health.NONE, "local", Map.of(8080, endpoint));
        return new ObservedReplica(r, healthy, healthy ? "ok" : "slow", endpoint, servedBefore);
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

    private static List<ReplicaSet> weights(int stable, int canary) {
        return List.of(new ReplicaSet(APP, "web", 1, 1, stable), new ReplicaSet(APP, "web", 2, 1, canary));
    }

    private static final List<ObservedReplica> BOTH_RUN = List.of(replica(1, 1, true, true), replica(2, 1, true, true));

    /**
     * A release routes a canary step before it saves it; a reconcile pass that read the store before that save ends
     * after it: the step stays in force until a pass has read it back, and what a later pass reads (a resize, say)
     * is routed.
     */
    @Test
    void aReconcilePassThatReadTheStoreBeforeAReleaseSavedDoesNotUndoWhatTheReleaseRouted() {
        sync.sync(APP, weights(90, 10), sync.readStamp(), BOTH_RUN);
        long readBeforeTheStep = sync.readStamp();

        sync.syncDecided(APP, weights(75, 25), BOTH_RUN);
        sync.sync(APP, weights(90, 10), readBeforeTheStep, BOTH_RUN);
        assertThat(route().weights()).as("a pass that read before the save").isEqualTo(Map.of("1", 75, "2", 25));

        sync.saved(APP);
        sync.sync(APP, weights(90, 10), readBeforeTheStep, BOTH_RUN);
        assertThat(route().weights()).as("a pass that read before the save, ending after it").isEqualTo(Map.of("1", 75, "2", 25));

        sync.sync(APP, weights(50, 50), sync.readStamp(), BOTH_RUN);
        assertThat(route().weights()).as("a pass that read after the save").isEqualTo(Map.of("1", 50, "2", 50));
    }

    /** When the release cannot save what it routed, the store's sets are routed again by the next reconcile pass. */
    @Test
    void whatAReleaseCouldNotSaveIsNotKeptInForce() {
        sync.sync(APP, weights(90, 10), sync.readStamp(), BOTH_RUN);
        long read = sync.readStamp();

        sync.syncDecided(APP, weights(75, 25), BOTH_RUN);
        sync.notSaved(APP);
        sync.sync(APP, weights(90, 10), read, BOTH_RUN);

        assertThat(route().weights()).isEqualTo(Map.of("1", 90, "2", 10));
    }

    /** Records what the router it stands for was asked. */
    private static final class RecordingRouter implements TrafficRouter {
        final List<String> calls = new java.util.ArrayList<>();

        @Override
        public String name() {
            return "gateway-api";
        }

        @Override
        public void sync(String app, List<ServiceTraffic> services, List<ObservedReplica> observed) {
            services.forEach(t -> calls.add("sync " + app + " " + t.service() + " " + t.sets().stream()
                    .map(r -> r.revision() + ":" + r.weight()).toList() + " " + t.matches().stream()
                    .map(m -> m.name() + "->" + m.revision()).toList()));
            if (services.isEmpty()) {
                calls.add("sync " + app + " none");
            }
        }

        @Override
        public Map<String, Integer> weights(String app, String service) {
            return "web".equals(service) ? Map.of("1", 100) : Map.of();
        }

        @Override
        public void removeApp(String app) {
            calls.add("remove " + app);
        }
    }

    /**
     * A service that chose another router is handed to it with its sets and its release's match rules, and gets no
     * route on the runner's router; the app's other services keep theirs.
     */
    @Test
    void aServiceThatChoseAnotherRouterIsHandedToItAndNotRoutedHere() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String compose = """
                services:
                  web:
                    image: img
                    x-slipway:
                      route: {port: 9, targetPort: 8080}
                      kubernetes: {trafficRouter: gateway-api, gateway: {name: shared}}
                  api:
                    image: img
                    x-slipway:
                      route: {port: %d, targetPort: 8080}
                """.formatted(port);
        AppRepository apps = new AppRepository();
        db.tx(c -> {
            apps.save(c, new AppRecord("gw", 1, 1, null));
            apps.saveRevision(c, new RevisionRecord("gw", 1, compose, Map.of(), "h1", Map.of("web", 1, "api", 1), null));
            return null;
        });
        RouteSync routes = new RouteSync(router, new SpecCache(db, apps), "127.0.0.1");
        RecordingRouter gateway = new RecordingRouter();
        routes.use(gateway);
        routes.releaseRouting("gw", "web", new RouteSync.ReleaseRouting(List.of(
                new io.jenkins.plugins.slipway.runner.routing.MatchRule(
                        io.jenkins.plugins.slipway.runner.routing.MatchRule.Kind.HEADER, "X-Canary", "always", "1"),
                new io.jenkins.plugins.slipway.runner.routing.MatchRule(
                        io.jenkins.plugins.slipway.runner.routing.MatchRule.Kind.HEADER, "X-Old", "yes", "7")),
                false, null, null));

        routes.sync("gw", List.of(new ReplicaSet("gw", "web", 1, 1, 100), new ReplicaSet("gw", "api", 1, 1, 100)),
                List.of());

        assertThat(gateway.calls).containsExactly("sync gw web [1:100] [X-Canary->1]");
        assertThat(router.spec(RouteSync.routeName("gw", "web"))).as("no route on the runner's router").isEmpty();
        assertThat(router.spec(RouteSync.routeName("gw", "api"))).isPresent();
        assertThat(routes.weights("gw", "web")).as("as the other router applied them").isEqualTo(Map.of("1", 100));

        routes.removeApp("gw");
        assertThat(gateway.calls).endsWith("sync gw none", "remove gw");
        assertThat(router.spec(RouteSync.routeName("gw", "api"))).isEmpty();
    }
}
