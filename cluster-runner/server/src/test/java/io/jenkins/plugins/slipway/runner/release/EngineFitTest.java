package io.jenkins.plugins.slipway.runner.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.client.DeployResponse;
import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.compose.ComposeException;
import io.jenkins.plugins.slipway.runner.compose.HostAccess;
import io.jenkins.plugins.slipway.runner.compose.SpecCache;
import io.jenkins.plugins.slipway.runner.engine.Capabilities;
import io.jenkins.plugins.slipway.runner.engine.FakeEngine;
import io.jenkins.plugins.slipway.runner.events.EventLog;
import io.jenkins.plugins.slipway.runner.secrets.DeployFiles;
import io.jenkins.plugins.slipway.runner.store.AppRepository;
import io.jenkins.plugins.slipway.runner.store.Database;
import io.jenkins.plugins.slipway.runner.store.ReleaseRepository;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A deploy asks the engine in use what it cannot run (a refusal, nothing stored) and what it will not apply. */
class EngineFitTest {
    private static final Capabilities ONE_NODE = new Capabilities(false, false, true, false);
    private static final Capabilities CLUSTER = new Capabilities(true, true, true, true);
    private static final String PLACED = """
            services:
              web:
                image: web:1
                deploy:
                  placement: {constraints: ["node.labels.zone == b"]}
              worker:
                image: worker:1
                deploy:
                  placement: {}
            """;

    @TempDir
    Path dir;
    private Database db;
    private final AppRepository apps = new AppRepository();
    private final ReleaseRepository releases = new ReleaseRepository();

    @BeforeEach
    void open() throws Exception {
        db = Database.open(dir);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private Deployer deployer(FakeEngine engine) {
        return new Deployer(db, apps, releases, new SpecCache(db, apps), new EventLog(db, releases),
                Strategies.defaults(), HostAccess.DEFAULT, null, EngineFit.of(engine));
    }

    /** Refuses every service's {@code secrets}, as an engine without Secrets would. */
    private static final Function<AppSpec, List<ApiError.Problem>> NO_SECRETS = spec -> spec.services().values()
            .stream().filter(s -> !s.files().isEmpty())
            .map(s -> new ApiError.Problem("services." + s.name() + ".secrets", "this engine mounts no secrets"))
            .toList();

    @Test
    void whatTheEngineRefusesIsA400NamingEachServiceAndNothingIsStored() throws Exception {
        Deployer deployer = deployer(new FakeEngine("picky", CLUSTER, NO_SECRETS, null));
        String compose = """
                services:
                  web: {image: web:1, secrets: [token]}
                  api: {image: api:1, secrets: [token]}
                  db: {image: db:1}
                secrets:
                  token: {environment: TOKEN}
                """;
        DeployFiles files = new DeployFiles(Map.of("token", "s3cret".getBytes()), Map.of(), Map.of());
        Deployer withSecrets = new Deployer(db, apps, releases, new SpecCache(db, apps), new EventLog(db, releases),
                Strategies.defaults(), HostAccess.DEFAULT,
                io.jenkins.plugins.slipway.runner.secrets.SecretStore.open(dir),
                EngineFit.of(new FakeEngine("picky", CLUSTER, NO_SECRETS, null)));

        assertThatThrownBy(() -> withSecrets.deploy("shop", compose, Map.of(), null, files))
                .isInstanceOfSatisfying(ComposeException.class, e -> assertThat(e.problems())
                        .extracting(p -> p.path() + ": " + p.message())
                        .containsExactlyInAnyOrder("services.web.secrets: this engine mounts no secrets",
                                "services.api.secrets: this engine mounts no secrets"));
        java.util.Optional<io.jenkins.plugins.slipway.runner.store.AppRecord> app = db.tx(c -> apps.find(c, "shop"));
        assertThat(app).as("the app, after a refused deploy").isEmpty();
        assertThat(dir.resolve("secrets").resolve("shop")).as("sealed values of a refused deploy").doesNotExist();

        DeployResponse fine = deployer.deploy("shop", "services: {db: {image: db:1}}", Map.of(), null);
        assertThat(fine.release()).isNotNull();
    }

    @Test
    void validationRefusesWhatTheEngineRefuses() {
        Deployer deployer = deployer(new FakeEngine("picky", CLUSTER,
                spec -> List.of(new ApiError.Problem("services.web.deploy.placement.constraints[0]", "no such node")),
                null));

        assertThatThrownBy(() -> deployer.parse(PLACED, Map.of(), DeployFiles.NONE))
                .isInstanceOfSatisfying(ComposeException.class, e -> assertThat(e.problems())
                        .extracting(ApiError.Problem::path)
                        .containsExactly("services.web.deploy.placement.constraints[0]"));
    }

    @Test
    void aServiceTheEnginePinsToOneReplicaIsRefusedMoreAndThePlanAndReleaseSayWhy() throws Exception {
        FakeEngine engine = new FakeEngine("kubernetes", CLUSTER, spec -> List.of(), null)
                .withOneReplicaOnly(spec -> Map.of("db", "it writes to named volume data"));
        Deployer deployer = deployer(engine);
        String compose = """
                services:
                  db:
                    image: db:1
                    volumes: ["data:/var/lib/db"]
                    deploy: {replicas: %d}
                volumes:
                  data: {}
                """;

        assertThatThrownBy(() -> deployer.deploy("shop", compose.formatted(2), Map.of(), null))
                .isInstanceOfSatisfying(ComposeException.class, e -> assertThat(e.problems())
                        .extracting(p -> p.path() + ": " + p.message()).containsExactly("services.db.deploy.replicas:"
                                + " 2 replicas refused on the kubernetes engine: it writes to named volume data;"
                                + " run 1 replica"));
        java.util.Optional<io.jenkins.plugins.slipway.runner.store.AppRecord> app = db.tx(c -> apps.find(c, "shop"));
        assertThat(app).isEmpty();

        String one = compose.formatted(1);
        io.jenkins.plugins.slipway.runner.compose.AppPlan plan = deployer.plan("shop", one,
                deployer.parse(one, Map.of(), DeployFiles.NONE));
        assertThat(plan.services().get(0).volumeRule()).isEqualTo("db: stop-first, one revision at a time, because"
                + " it writes to named volume data (x-slipway.sharedVolumes is not true); db: one replica on the"
                + " kubernetes engine, because it writes to named volume data");
        DeployResponse r = deployer.deploy("shop", one, Map.of(), null);
        String started = new EventLog(db, releases).since(r.release(), "shop", 0).get(0).message();
        assertThat(started).contains("db: one replica on the kubernetes engine, because it writes to named volume data");
    }

    @Test
    void aServicePinnedToANodeIsInTheDeploysWarningsThePlanAndTheReleasesFirstEvent() throws Exception {
        FakeEngine engine = new FakeEngine("swarm", CLUSTER, spec -> List.of(), null)
                .withPins((app, spec) -> spec.services().containsKey("db")
                        ? Map.of("db", "db: pinned to node n2 (node.id == x2) because of named volume data of " + app)
                        : Map.of());
        Deployer deployer = deployer(engine);
        String compose = """
                services:
                  db:
                    image: db:1
                    volumes: ["data:/var/lib/db:ro"]
                    deploy: {replicas: 2}
                volumes:
                  data: {}
                """;

        io.jenkins.plugins.slipway.runner.compose.AppPlan plan = deployer.plan("shop", compose,
                deployer.parse(compose, Map.of(), DeployFiles.NONE));
        assertThat(plan.services().get(0).volumeRule())
                .isEqualTo("db: pinned to node n2 (node.id == x2) because of named volume data of shop");
        DeployResponse r = deployer.deploy("shop", compose, Map.of(), null);
        assertThat(r.warnings()).containsExactly(
                "services.db.volumes: db: pinned to node n2 (node.id == x2) because of named volume data of shop");
        String started = new EventLog(db, releases).since(r.release(), "shop", 0).get(0).message();
        assertThat(started).contains("db: pinned to node n2 (node.id == x2) because of named volume data of shop");
        assertThat(deployer.deploy("shop", compose, Map.of(), null).warnings()).as("an unchanged deploy says it too")
                .containsExactly("services.db.volumes: db: pinned to node n2 (node.id == x2) because of named"
                        + " volume data of shop");
    }

    @Test
    void placementIsIgnoredWithAWarningNamingAnEngineOfOneNode() throws Exception {
        DeployResponse r = deployer(new FakeEngine("docker", ONE_NODE, spec -> List.of(), null))
                .deploy("shop", PLACED, Map.of(), null);

        assertThat(r.warnings()).containsExactly("services.web.deploy.placement: ignored: the docker engine has one"
                + " node, where every replica runs (--engine swarm or kubernetes place replicas on nodes)");
    }

    @Test
    void anEngineThatPlacesReplicasGivesNoPlacementWarning() throws Exception {
        for (String name : List.of("swarm", "kubernetes")) {
            assertThat(deployer(new FakeEngine(name, CLUSTER, spec -> List.of(), null))
                    .parse(PLACED, Map.of(), DeployFiles.NONE).warnings()).as(name).isEmpty();
        }
    }

    /** A file asking for a Gateway is refused, naming the key, by an engine that writes no Kubernetes object. */
    @Test
    void xSlipwayKubernetesIsRefusedByTheDockerAndSwarmEngines() throws Exception {
        String compose = """
                services:
                  web:
                    image: web:1
                    x-slipway:
                      route: {port: 8000, targetPort: 8080}
                      kubernetes: {trafficRouter: gateway-api, gateway: {name: shared}}
                  api: {image: api:1}
                """;
        for (FakeEngine engine : List.of(new FakeEngine("docker", ONE_NODE, spec -> List.of(), null),
                new FakeEngine("swarm", CLUSTER, spec -> List.of(), null))) {
            Deployer deployer = deployer(engine);
            assertThatThrownBy(() -> deployer.deploy("shop", compose, Map.of(), null))
                    .isInstanceOfSatisfying(ComposeException.class, e -> assertThat(e.problems())
                            .extracting(p -> p.path() + ": " + p.message())
                            .containsExactly("services.web.x-slipway.kubernetes: is refused on the " + engine.name()
                                    + " engine: it says how a Kubernetes cluster carries the service's traffic"
                                    + " (trafficRouter gateway-api), and the " + engine.name() + " engine writes no"
                                    + " Kubernetes object; remove the key, or serve with --engine kubernetes"));
            assertThatThrownBy(() -> deployer.parse(compose, Map.of(), DeployFiles.NONE))
                    .isInstanceOf(ComposeException.class);
        }
        java.util.Optional<io.jenkins.plugins.slipway.runner.store.AppRecord> app = db.tx(c -> apps.find(c, "shop"));
        assertThat(app).isEmpty();
        Capabilities kubernetes = new Capabilities(true, true, true, true, true);
        assertThat(deployer(new FakeEngine("kubernetes", kubernetes, spec -> List.of(), null))
                .deploy("shop", compose, Map.of(), null).release()).isNotNull();
    }

    private static final String CPU_SCALED = """
            services:
              web:
                image: web:1
                deploy:
                  resources: {limits: {cpus: "0.5", memory: 64M}}
                x-slipway:
                  route: {port: 8000, targetPort: 8080}
                  autoscale: {max: 3, cpuPercent: 60, memoryPercent: 80, requestsPerSecond: 10}
            """;

    @Test
    void autoscalingOnCpuOrMemoryIsRefusedNamingAnEngineWithoutStats() {
        Deployer deployer = deployer(new FakeEngine("swarm", CLUSTER, spec -> List.of(), null));

        assertThatThrownBy(() -> deployer.parse(CPU_SCALED, Map.of(), DeployFiles.NONE))
                .isInstanceOfSatisfying(ComposeException.class, e -> assertThat(e.problems())
                        .extracting(p -> p.path() + ": " + p.message()).containsExactlyInAnyOrder(
                                "services.web.x-slipway.autoscale.cpuPercent: cpuPercent of service web refused on"
                                        + " the swarm engine: it does not report its replicas' CPU and memory use;"
                                        + " use requestsPerSecond or inFlight",
                                "services.web.x-slipway.autoscale.memoryPercent: memoryPercent of service web"
                                        + " refused on the swarm engine: it does not report its replicas' CPU and"
                                        + " memory use; use requestsPerSecond or inFlight"));
    }

    @Test
    void anEngineWithStatsTakesCpuAndMemoryTargets() throws Exception {
        FakeEngine engine = new FakeEngine("docker", ONE_NODE, spec -> List.of(), null)
                .withStats(replica -> new io.jenkins.plugins.slipway.runner.engine.UsageSample(0, 0, 1, 0));

        assertThat(deployer(engine).parse(CPU_SCALED, Map.of(), DeployFiles.NONE).spec().services().get("web")
                .autoscale().targets()).hasSize(3);
    }
}
