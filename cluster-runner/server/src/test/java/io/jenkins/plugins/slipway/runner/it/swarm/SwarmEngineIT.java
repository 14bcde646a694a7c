package io.jenkins.plugins.slipway.runner.it.swarm;

import io.jenkins.plugins.slipway.runner.it.WholeMachine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.DeployResponse;
import io.jenkins.plugins.slipway.runner.client.RunnerException;
import io.jenkins.plugins.slipway.runner.client.EventTypes;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.runner.it.Apps;
import io.jenkins.plugins.slipway.runner.it.BusyboxHttpdImage;
import io.jenkins.plugins.slipway.runner.it.Docker;
import io.jenkins.plugins.slipway.runner.it.RunnerProcess;
import io.jenkins.plugins.slipway.runner.it.SecretsUsed;
import io.jenkins.plugins.slipway.runner.it.gray.GrayLoad;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code serve --engine swarm} on the real three-node swarm of {@code scripts/swarm-up.sh 2}: placement by spread
 * and constraint, a canary under load with its split, a failing version rolled back by analysis, a runner
 * {@code kill -9} in the middle of a canary, a worker killed under load, secrets and configs, a named volume
 * that keeps its node and data across revisions and a runner restart, and a Compose file's container settings.
 * The swarm is made once for the class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@WholeMachine("makes the machine's Docker engine a Swarm manager")
class SwarmEngineIT {
    private static final String REGISTRY = "127.0.0.1:5000/";
    private static final Duration RELEASE = Duration.ofSeconds(180);
    /** Points the observed share may differ from the weight over {@link #WINDOW} answers. */
    private static final double TOLERANCE = 5.0;
    private static final int WINDOW = 600;
    private static Swarm swarm;
    private static RunnerProcess runner;
    private static RunnerClient client;
    private static Map<String, String> zones;
    private static String v1;
    private static String v2;

    @BeforeAll
    static void up() throws Exception {
        Swarm.down();
        swarm = Swarm.up(2);
        System.out.printf("SWARM swarm-up.sh 2: %.1f s%n", swarm.upTime().toMillis() / 1000.0);
        v1 = pushed(web("v1", false));
        v2 = pushed(web("v2", false));
        zones = new TreeMap<>();
        for (String id : Docker.run("node", "ls", "-q").strip().split("\\s+")) {
            String[] node = Docker.run("node", "inspect", "--format",
                    "{{.Description.Hostname}} {{index .Spec.Labels \"zone\"}}", id).strip().split(" ");
            zones.put(node[0], node.length > 1 ? node[1] : "");
        }
        runner = RunnerProcess.start("swarm-engine", RunnerProcess.API_PORTS_FROM, RunnerProcess.API_PORTS_TO,
                List.of("--engine", "swarm"));
        client = runner.client();
    }

    @AfterAll
    static void down() throws Exception {
        try {
            if (runner != null) {
                runner.close();
            }
        } finally {
            Swarm.down();
        }
    }

    @Test
    @Order(1)
    void sixReplicasSpreadOverTheZonesAndAConstraintHonoured() throws Exception {
        int port = RunnerProcess.freePort(23100, 23199);
        String spread = """
                services:
                  web:
                    image: %s
                    stop_grace_period: 2s
                    healthcheck:
                      test: ["CMD", "/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/health"]
                      interval: 1s
                      timeout: 5s
                      retries: 3
                    deploy:
                      replicas: 6
                      placement:
                        preferences: [{spread: node.labels.zone}]
                      resources:
                        reservations: {memory: 8m, cpus: "0.01"}
                    x-slipway:
                      route: {port: %d, targetPort: 8080}
                """.formatted(v1, port);
        long start = System.nanoTime();
        succeeded("sw-spread", spread, Map.of());
        System.out.printf("SWARM 6 replicas spread, release succeeded: %.1f s%n", (System.nanoTime() - start) / 1e9);
        String service = serviceOf("sw-spread");
        assertThat(countBy(runningNodes(service), zones::get)).isEqualTo(Map.of("a", 2L, "b", 2L, "c", 2L));
        assertThat(Docker.run("service", "inspect", "--format", "{{json .Spec.Labels}}", service))
                .contains("\"io.slipway.app\":\"sw-spread\"", "\"io.slipway.service\":\"web\"",
                        "\"io.slipway.revision\":\"1\"", "\"io.slipway.runner\":");
        // The task containers carry the labels too, here on worker 2.
        assertThat(Swarm.worker(2, "ps", "-q", "--filter", "label=io.slipway.app=sw-spread",
                "--filter", "label=io.slipway.revision=1").strip().lines()).hasSize(2);
        assertThat(Docker.run("service", "inspect", "--format", "{{json .Spec.TaskTemplate.Placement.Preferences}}",
                service)).contains("node.labels.zone");
        try (GrayLoad load = new GrayLoad(port, 4, 600, Duration.ofSeconds(60))) {
            load.awaitAnswers(0, 300, Duration.ofSeconds(60));
            assertThat(load.all().failures).isEmpty();
        }

        int zonePort = RunnerProcess.freePort(23200, 23299);
        String zoneB = """
                services:
                  web:
                    image: %s
                    stop_grace_period: 2s
                    deploy:
                      replicas: 3
                      placement:
                        constraints: ["node.labels.zone == b"]
                    x-slipway:
                      route: {port: %d, targetPort: 8080, healthPath: /health}
                """.formatted(v1, zonePort);
        succeeded("sw-zone-b", zoneB, Map.of());
        assertThat(runningNodes(serviceOf("sw-zone-b"))).hasSize(3).containsOnly(Swarm.workerName(1));
        client.deleteApp("sw-zone-b");
        client.deleteApp("sw-spread");
        await("the apps' services removed").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> Docker.run("service", "ls", "-q", "--filter", "label=io.slipway.app=sw-spread").isBlank()
                        && Docker.run("service", "ls", "-q", "--filter", "label=io.slipway.app=sw-zone-b").isBlank());
    }

    @Test
    @Order(2)
    void canaryTwentyFiveToHundredUnderLoadWithoutAFailedRequest() throws Exception {
        String app = "sw-canary";
        int port = RunnerProcess.freePort(23300, 23399);
        String compose = canaryApp(v1, 4, port, """
                strategy: canary
                steps:
                  - setWeight: 25
                  - pause: {}
                """);
        succeeded(app, compose, Map.of());
        try (GrayLoad load = new GrayLoad(port, 4, 20_000, Duration.ofSeconds(300))) {
            load.awaitAnswers(0, 50, Duration.ofSeconds(60));
            String id = client.deploy(app, new DeployRequest(compose, Map.of("web", v2), null)).release();
            List<ReleaseEvent> events = new CopyOnWriteArrayList<>();
            try (RunnerClient.EventSubscription sub = client.subscribe(id, 0, events::add, e -> { })) {
                ReleaseStatus at25 = awaitPhase(id, Phase.Paused, 2);
                assertThat(at25.canaryWeight()).isEqualTo(25);
                assertSplit(load, "version v2", 25);
                client.promote(id, false);
                ReleaseStatus end = Apps.awaitEnd(client, id, RELEASE);
                assertThat(end.phase()).as(end.message()).isEqualTo(Phase.Succeeded);
                assertThat(end.canaryWeight()).isEqualTo(100);
                assertSplit(load, "version v2", 100);
                load.close();
                GrayLoad.Window all = load.all();
                System.out.println("SWARM canary under load: " + all);
                assertThat(all.failures).as("failed requests out of " + all.total).isEmpty();
                List<String> lines = events.stream().map(e -> e.type() + " " + e.message()).toList();
                assertThat(lines).anyMatch(l -> l.startsWith("TrafficShifted traffic web: rev 1 75% / rev 2 25%"));
                assertThat(lines).anyMatch(l -> l.startsWith("TrafficShifted traffic web: rev 1 0% / rev 2 100%"));
                assertThat(lines).anyMatch(l -> l.startsWith("StepStarted step 1/2: setWeight 25"));
            }
        }
        await("only revision 2's service is left").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> Docker.run("service", "ls", "--format", "{{.Name}}", "--filter",
                        "label=io.slipway.app=" + app).strip().lines().toList(), l -> l.size() == 1 && l.get(0).contains("-web-2-"));
        client.deleteApp(app);
    }

    @Test
    @Order(3)
    void versionAnswering500IsRolledBackByAnalysis() throws Exception {
        String app = "sw-failing";
        int port = RunnerProcess.freePort(23400, 23499);
        String compose = canaryApp(v1, 2, port, """
                strategy: canary
                steps:
                  - setWeight: 20
                  - analysis:
                      interval: 2s
                      count: 3
                      metrics:
                        - name: traffic
                          router: {successRate: 0.95, maxP99Ms: 2000, minRequests: 3}
                  - setWeight: 60
                  - pause: {}
                """);
        succeeded(app, compose, Map.of());
        String bad = pushed(web("bad", true));
        try (GrayLoad load = new GrayLoad(port, 4, 20_000, Duration.ofSeconds(240))) {
            load.awaitAnswers(0, 50, Duration.ofSeconds(60));
            String id = client.deploy(app, new DeployRequest(compose, Map.of("web", bad), null)).release();
            ReleaseStatus end = Apps.awaitEnd(client, id, RELEASE);
            assertThat(end.phase()).as(end.message()).isEqualTo(Phase.RolledBack);
            assertThat(end.message()).contains("analysis").contains("FAILED");
            int after = load.mark();
            load.awaitAnswers(after, 300, Duration.ofSeconds(90));
            GrayLoad.Window back = load.window(after);
            System.out.println("SWARM after the analysis rollback: " + back);
            assertThat(back.failures).as(back.toString()).isEmpty();
            assertThat(back.byBody).containsOnlyKeys("version v1");
        }
        await("revision 2's service removed").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> Docker.run("service", "ls", "--format", "{{.Name}}", "--filter",
                        "label=io.slipway.app=" + app).strip().lines().toList(), l -> l.size() == 1 && l.get(0).contains("-web-1-"));
        client.deleteApp(app);
    }

    @Test
    @Order(4)
    void runnerKillNineMidCanaryResumesAtTheSameStepAndWeight() throws Exception {
        String app = "sw-crash";
        int port = RunnerProcess.freePort(23500, 23599);
        String compose = canaryApp(v1, 2, port, """
                strategy: canary
                steps:
                  - setWeight: 25
                  - pause: {duration: 1s}
                  - setWeight: 50
                  - pause: {}
                """);
        succeeded(app, compose, Map.of());
        String id = client.deploy(app, new DeployRequest(compose, Map.of("web", v2), null)).release();
        ReleaseStatus before = awaitPhase(id, Phase.Paused, 4);
        assertThat(before.canaryWeight()).isEqualTo(50);
        String services = serviceIds(app);

        runner.kill9();
        runner.launch();
        client = runner.client();

        ReleaseStatus after = client.release(id);
        assertThat(after.phase()).isEqualTo(Phase.Paused);
        assertThat(after.step()).isEqualTo(4);
        assertThat(after.canaryWeight()).isEqualTo(50);
        try (GrayLoad load = new GrayLoad(port, 4, 5_000, Duration.ofSeconds(90))) {
            await("the restarted router serves both revisions").atMost(Duration.ofSeconds(60)).until(() -> {
                GrayLoad.Window w = load.window(Math.max(0, load.mark() - 100));
                return w.byBody.containsKey("version v1") && w.byBody.containsKey("version v2");
            });
            int from = load.mark();
            load.awaitAnswers(from, WINDOW, Duration.ofSeconds(60));
            GrayLoad.Window w = load.window(from);
            System.out.println("SWARM after runner kill -9: " + w);
            assertThat(w.failures).as(w.toString()).isEmpty();
            assertThat(w.percent("version v2")).as(w.toString()).isBetween(50 - TOLERANCE, 50 + TOLERANCE);
        }
        assertThat(serviceIds(app)).as("the same services, adopted").isEqualTo(services);
        client.promote(id, false);
        ReleaseStatus end = Apps.awaitEnd(client, id, RELEASE);
        assertThat(end.phase()).as(end.message()).isEqualTo(Phase.Succeeded);
        client.deleteApp(app);
    }

    @Test
    @Order(5)
    void killedWorkersTasksServeAgainOnTheOtherNodes() throws Exception {
        String app = "sw-failover";
        int port = RunnerProcess.freePort(23600, 23699);
        String compose = """
                services:
                  web:
                    image: %s
                    stop_grace_period: 2s
                    deploy:
                      replicas: 6
                      placement:
                        preferences: [{spread: node.labels.zone}]
                    x-slipway:
                      route: {port: %d, targetPort: 8080, healthPath: /health}
                """.formatted(v1, port);
        succeeded(app, compose, Map.of());
        String service = serviceOf(app);
        assertThat(runningNodes(service)).contains(Swarm.workerName(1));
        try (GrayLoad load = new GrayLoad(port, 4, 50_000, Duration.ofSeconds(240))) {
            load.awaitAnswers(0, 100, Duration.ofSeconds(60));
            int from = load.mark();
            long start = System.nanoTime();
            Swarm.killWorker(1);
            await("6 replicas running on the other nodes").atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        List<String> nodes = runningNodes(service);
                        return nodes.size() == 6 && !nodes.contains(Swarm.workerName(1));
                    });
            double rescheduled = (System.nanoTime() - start) / 1e9;
            // Recovered: the app reports its 6 replicas healthy again, each at a node that is up.
            await("6 healthy replicas in the app's status").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200)).until(() -> healthyReplicas(app) == 6);
            double recovered = (System.nanoTime() - start) / 1e9;
            int end = load.mark();
            load.awaitAnswers(end, 300, Duration.ofSeconds(60));
            GrayLoad.Window during = load.window(from);
            GrayLoad.Window afterwards = load.window(end);
            System.out.printf("SWARM worker killed: tasks rescheduled in %.1f s, all 6 serving again in %.1f s;"
                    + " %d failed of %d requests from the kill until 300 answers after%n", rescheduled, recovered,
                    during.failures.size(), during.total);
            assertThat(afterwards.failures).as(afterwards.toString()).isEmpty();
        }
        client.deleteApp(app);
    }

    @Test
    @Order(6)
    void secretsAndConfigsAreMountedOnTheWorkerThatRunsTheTask() throws Exception {
        String app = "sw-files";
        int port = RunnerProcess.freePort(23700, 23799);
        String password = SecretsUsed.record("sw-" + UUID.randomUUID());
        // An external secret: made on the swarm by hand, as docker stack deploy users do; the runner only mounts it.
        String externalName = "it-sw-files-external";
        String externalValue = SecretsUsed.record("sw-ext-" + UUID.randomUUID());
        Swarm.createSecret(externalName, externalValue);
        String compose = """
                services:
                  web:
                    image: %s
                    stop_grace_period: 2s
                    deploy:
                      replicas: 1
                      placement:
                        constraints: ["node.hostname == %s"]
                    secrets:
                      - db_password
                      - {source: api_key, target: /etc/api.key, uid: "1000", gid: "1001", mode: 0400}
                      - {source: shared_token, target: /run/secrets/token}
                    configs:
                      - {source: motd, target: /etc/motd}
                    x-slipway:
                      route: {port: %d, targetPort: 8080, healthPath: /health}
                secrets:
                  db_password: {file: ./db_password.txt}
                  api_key: {file: ./api.key}
                  shared_token: {external: true, name: %s}
                configs:
                  motd: {file: ./motd.txt}
                """.formatted(v1, Swarm.workerName(2), port, externalName);
        String id = client.deploy(app, new DeployRequest(compose, Map.of(), null,
                Map.of("db_password", password.getBytes(StandardCharsets.UTF_8),
                        "api_key", "key-of-the-api".getBytes(StandardCharsets.UTF_8)),
                Map.of("motd", "hello from a config\n".getBytes(StandardCharsets.UTF_8)), Map.of())).release();
        ReleaseStatus s = Apps.awaitEnd(client, id, RELEASE);
        assertThat(s.phase()).as(s.message()).isEqualTo(Phase.Succeeded);

        String task = Swarm.worker(2, "ps", "-q", "--filter", "label=io.slipway.app=" + app).strip();
        assertThat(task).as("the task runs on worker 2").isNotBlank().doesNotContain("\n");
        assertThat(Swarm.worker(2, "exec", task, "/bin/busybox", "cat", "/run/secrets/db_password")).isEqualTo(password);
        assertThat(Swarm.worker(2, "exec", task, "/bin/busybox", "stat", "-c", "%a %u %g", "/etc/api.key").strip())
                .isEqualTo("400 1000 1001");
        assertThat(Swarm.worker(2, "exec", task, "/bin/busybox", "cat", "/etc/motd")).isEqualTo("hello from a config\n");
        assertThat(Swarm.worker(2, "exec", task, "/bin/busybox", "cat", "/run/secrets/token")).isEqualTo(externalValue);
        // Swarm objects named for their content, labelled, never holding the value in a name or label.
        String secrets = Docker.run("secret", "ls", "--filter", "label=io.slipway.app=" + app, "--format",
                "{{.Name}} {{.Labels}}");
        assertThat(secrets.strip().lines()).hasSize(2).allMatch(l -> l.startsWith("slipway-" + app + "-"));
        assertThat(secrets).contains("io.slipway.file=secrets.db_password").doesNotContain(password);
        assertThat(Docker.run("config", "ls", "-q", "--filter", "label=io.slipway.app=" + app).strip().lines()).hasSize(1);
        assertThat(runner.logText()).doesNotContain(password);

        client.deleteApp(app);
        await("the app's service, secrets and configs removed").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> Docker.run("service", "ls", "-q", "--filter", "label=io.slipway.app=" + app).isBlank()
                        && Docker.run("secret", "ls", "-q", "--filter", "label=io.slipway.app=" + app).isBlank()
                        && Docker.run("config", "ls", "-q", "--filter", "label=io.slipway.app=" + app).isBlank());
        assertThat(Docker.run("secret", "ls", "-q", "--filter", "name=" + externalName).strip())
                .as("an external secret is the user's: the app's deletion leaves it").isNotBlank();
        Docker.run("secret", "rm", externalName);
    }

    /**
     * A service writing to a named volume: more than one replica is refused; the first revision's volume is made on a
     * worker (the manager, which the choice prefers, is drained then), and after a runner {@code kill -9} the
     * second revision, with the manager active again, runs on that same worker and finds the first one's data.
     */
    @Test
    @Order(7)
    void aNamedVolumeKeepsItsNodeAndItsDataAcrossRevisionsAndARunnerRestart() throws Exception {
        String app = "sw-volume";
        int port = RunnerProcess.freePort(23800, 23899);
        String compose = """
                services:
                  web:
                    image: %s
                    stop_grace_period: 2s
                    command: ["sh", "-c", "echo \\"revision $REV on $NODE\\" >> /www/data/log.txt && exec /bin/busybox httpd -f -p 8080 -h /www"]
                    environment:
                      REV: "%%d"
                      NODE: "{{.Node.Hostname}}"
                    volumes: ["data:/www/data"]
                    deploy: {replicas: %%d}
                    x-slipway:
                      route: {port: %d, targetPort: 8080, healthPath: /health}
                volumes:
                  data:
                    labels: {purpose: swarm-it}
                """.formatted(v1, port);
        assertRefused(app, compose.formatted(1, 2), "services.web.deploy.replicas: 2 replicas refused on the swarm"
                + " engine: it writes to named volume data, a local volume that lives on one node");

        String managerId = Docker.run("info", "--format", "{{.Swarm.NodeID}}").strip();
        String volume = "slipway-" + app + "-data-";
        String node;
        Docker.run("node", "update", "--availability", "drain", managerId);
        try {
            // Expected: the first node by id that is ready and takes tasks (worker 1 may be down by now).
            node = firstReadyActiveNode();
            long start = System.nanoTime();
            DeployResponse first = client.deploy(app, new DeployRequest(compose.formatted(1, 1), Map.of(), null));
            assertThat(first.warnings()).anySatisfy(w -> assertThat(w).startsWith("services.web.volumes: web: pinned"
                    + " to node " + node + " (node.id == ").contains("because of named volume data"));
            ReleaseStatus s = Apps.awaitEnd(client, first.release(), RELEASE);
            assertThat(s.phase()).as(s.message()).isEqualTo(Phase.Succeeded);
            System.out.printf("SWARM named volume: revision 1 on %s in %.1f s; warning: %s%n", node,
                    (System.nanoTime() - start) / 1e9, first.warnings());
        } finally {
            Docker.run("node", "update", "--availability", "active", managerId);
        }
        assertThat(runningNodes(serviceOf(app))).containsExactly(node);
        assertThat(await("revision 1's line, served from the volume").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300)).until(() -> get(port, "/data/log.txt"), b -> b.contains("revision 1")))
                .isEqualTo("revision 1 on " + node + "\n");
        assertThat(Docker.run("node", "inspect", "--format", "{{json .Spec.Labels}}", node))
                .contains("\"io.slipway.volume." + volume).contains("/" + app + "/data\"");
        assertThat(node).as("a worker, the manager being drained").startsWith("slw-w");
        int worker = Integer.parseInt(node.substring("slw-w".length()));
        String made = Swarm.worker(worker, "volume", "ls", "-q", "--filter", "label=io.slipway.app=" + app).strip();
        assertThat(made).as("made by the worker's engine, with the file's labels").startsWith(volume);
        assertThat(Swarm.worker(worker, "volume", "inspect", "--format", "{{json .Labels}}", made))
                .contains("\"purpose\":\"swarm-it\"", "\"io.slipway.volume\":\"data\"");

        runner.kill9();
        runner.launch();
        client = runner.client();
        long start = System.nanoTime();
        DeployResponse second = client.deploy(app, new DeployRequest(compose.formatted(2, 1), Map.of(), null));
        assertThat(second.warnings()).anySatisfy(w -> assertThat(w).startsWith("services.web.volumes: web: pinned"
                + " to node " + node + " (node.id == ").contains("which lives on that node"));
        Map<String, Object> plan = client.validate(app, new DeployRequest(compose.formatted(2, 1), Map.of(), null));
        assertThat(String.valueOf(plan.get("services"))).contains("web: pinned to node " + node);
        ReleaseStatus s = Apps.awaitEnd(client, second.release(), RELEASE);
        assertThat(s.phase()).as(s.message()).isEqualTo(Phase.Succeeded);
        String service = serviceOf(app);
        assertThat(service).contains("-web-2-");
        assertThat(runningNodes(service)).as("the manager fits and is preferred: only the remembered choice keeps it")
                .containsExactly(node);
        assertThat(Docker.run("service", "inspect", "--format", "{{json .Spec.TaskTemplate.Placement.Constraints}}",
                service)).contains("node.id == ");
        String log = await("revision 2's line after revision 1's").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300)).until(() -> get(port, "/data/log.txt"), b -> b.contains("revision 2"));
        assertThat(log).isEqualTo("revision 1 on " + node + "\nrevision 2 on " + node + "\n");
        System.out.printf("SWARM named volume: revision 2 after a runner kill -9 on %s in %.1f s; the volume holds:%n%s",
                node, (System.nanoTime() - start) / 1e9, log);

        Map<String, Object> deleted = client.deleteApp(app, true);
        System.out.println("SWARM named volume: delete with volumes: " + deleted);
        assertThat(deleted.get("volumesRemoved")).as("a worker's volume is not removed by the manager").asList()
                .isEmpty();
        assertThat(deleted.get("volumesLeft")).as("and the answer says so, where and how to remove it").asList()
                .singleElement().asString().contains("volume=" + made).contains("node=" + node)
                .contains("docker volume rm " + made);
        assertThat(Docker.run("node", "inspect", "--format", "{{json .Spec.Labels}}", node))
                .as("the node forgets the volume").doesNotContain("io.slipway.volume." + volume);
        // A worker's volumes are out of the manager's reach (docs/swarm.md): removed on the worker itself.
        await("the worker's volume removed by hand").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> {
                    Swarm.worker(worker, "volume", "rm", "-f", made);
                    return Swarm.worker(worker, "volume", "ls", "-q", "--filter", "label=io.slipway.app=" + app).isBlank();
                });
    }

    /** The hostname of the first node by id that is ready and active: where a new volume goes without constraints. */
    private static String firstReadyActiveNode() throws Exception {
        List<String> ids = Docker.run("node", "ls", "-q").strip().lines().sorted().toList();
        for (String id : ids) {
            String[] n = Docker.run("node", "inspect", "--format",
                    "{{.Status.State}} {{.Spec.Availability}} {{.Description.Hostname}}", id).strip().split(" ");
            if (n[0].equals("ready") && n[1].equals("active")) {
                return n[2];
            }
        }
        throw new AssertionError("no node is ready and active");
    }

    /** The body of a GET through the route, or "" when it does not answer 200. */
    private static String get(int port, String path) {
        try {
            java.net.http.HttpResponse<String> rsp = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(5)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return rsp.statusCode() == 200 ? rsp.body() : "";
        } catch (java.io.IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static String canaryApp(String image, int replicas, int port, String release) {
        StringBuilder b = new StringBuilder();
        release.stripIndent().lines().forEach(l -> b.append("        ").append(l).append('\n'));
        return """
                services:
                  web:
                    image: %s
                    stop_grace_period: 2s
                    deploy:
                      replicas: %d
                      placement:
                        preferences: [{spread: node.labels.zone}]
                    x-slipway:
                      route: {port: %d, targetPort: 8080, healthPath: /health}
                      release:
                %s""".formatted(image, replicas, port, b);
    }

    /**
     * The container settings of a Compose file reach the tasks on a worker (the manager's answer was to run them
     * without: {@code user: 1000} ran as root), a scale keeps the tasks it has (the spec the manager holds is the
     * one the runner sends again), and a setting a task has no field for is a 400 that stores nothing.
     */
    @Test
    @Order(8)
    void containerSettingsReachTheTasksAndAScaleKeepsThem() throws Exception {
        String app = "sw-settings";
        int port = RunnerProcess.freePort(23700, 23799);
        String compose = """
                services:
                  web:
                    image: %s
                    user: "1000:1001"
                    working_dir: /www
                    hostname: web-host
                    extra_hosts: ["db.local:10.0.0.5"]
                    dns: [10.0.0.53]
                    init: true
                    stop_signal: SIGINT
                    read_only: true
                    cap_drop: [NET_RAW]
                    ulimits: {nofile: {soft: 1024, hard: 2048}}
                    sysctls: {net.ipv4.tcp_keepalive_time: "600"}
                    logging: {driver: json-file, options: {max-size: 1m}}
                    deploy:
                      replicas: 2
                      placement:
                        constraints: ["node.hostname == %s"]
                %s    x-slipway:
                      route: {port: %d, targetPort: 8080, healthPath: /health}
                """;
        String withShm = compose.formatted(v1, Swarm.workerName(2), "    shm_size: 64m\n", port);
        assertRefused(app, withShm, "services.web.shm_size: shm_size is refused by --engine swarm");
        assertThatThrownBy(() -> client.app(app)).isInstanceOfSatisfying(RunnerException.class,
                e -> assertThat(e.status()).as("a refused deploy stores nothing").isEqualTo(404));

        succeeded(app, compose.formatted(v1, Swarm.workerName(2), "", port), Map.of());
        List<String> tasks = Swarm.worker(2, "ps", "-q", "--filter", "label=io.slipway.app=" + app).strip().lines()
                .sorted().toList();
        assertThat(tasks).hasSize(2);
        String task = tasks.get(0);
        assertThat(Swarm.worker(2, "exec", task, "/bin/busybox", "id", "-u").strip()).isEqualTo("1000");
        assertThat(Swarm.worker(2, "exec", task, "/bin/busybox", "id", "-g").strip()).isEqualTo("1001");
        assertThat(Swarm.worker(2, "exec", task, "/bin/busybox", "pwd").strip()).isEqualTo("/www");
        assertThat(Swarm.worker(2, "exec", task, "/bin/busybox", "hostname").strip()).isEqualTo("web-host");
        assertThat(Swarm.worker(2, "exec", task, "/bin/busybox", "cat", "/etc/hosts")).as("extra_hosts")
                .containsPattern("10\\.0\\.0\\.5\\s+db\\.local");
        assertThat(Swarm.worker(2, "exec", task, "/bin/busybox", "cat", "/proc/sys/net/ipv4/tcp_keepalive_time").strip())
                .isEqualTo("600");
        assertThat(Swarm.worker(2, "exec", task, "/bin/busybox", "sh", "-c", "ulimit -n; ulimit -Hn").strip())
                .isEqualTo("1024\n2048");
        assertThat(Swarm.worker(2, "exec", task, "/bin/busybox", "sh", "-c",
                "/bin/busybox touch /www/x 2>&1 || echo refused").strip()).endsWith("refused");
        assertThat(Swarm.worker(2, "inspect", "--format",
                "{{.HostConfig.Init}} {{.Config.StopSignal}} {{.HostConfig.CapDrop}} {{.HostConfig.LogConfig.Type}}"
                        + " {{index .HostConfig.LogConfig.Config \"max-size\"}} {{.HostConfig.Dns}}", task).strip())
                // The servers are the upstream of the overlay network's embedded DNS (127.0.0.11 in resolv.conf).
                .isEqualTo("true SIGINT [CAP_NET_RAW] json-file 1m [10.0.0.53]");

        client.scale(app, "web", 3);
        await("3 healthy replicas after the scale").atMost(RELEASE).pollInterval(Duration.ofMillis(300))
                .until(() -> healthyReplicas(app) == 3);
        List<String> after = Swarm.worker(2, "ps", "-q", "--filter", "label=io.slipway.app=" + app).strip().lines()
                .toList();
        assertThat(after).as("the scale added a task and replaced none").hasSize(3).containsAll(tasks);
        client.deleteApp(app);
        await("the app's service removed").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
                .until(() -> serviceIds(app).isEmpty());
    }

    /** The deploy is a 400 with one problem, "path: message", that starts with {@code problem}. */
    private static void assertRefused(String app, String compose, String problem) {
        assertThatThrownBy(() -> client.deploy(app, new DeployRequest(compose, Map.of(), null)))
                .isInstanceOfSatisfying(RunnerException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.error().problems()).extracting(p -> p.path() + ": " + p.message()).singleElement()
                            .asString().startsWith(problem);
                });
    }

    private static void succeeded(String app, String compose, Map<String, String> images) {
        String id = client.deploy(app, new DeployRequest(compose, images, null)).release();
        ReleaseStatus s = Apps.awaitEnd(client, id, RELEASE);
        assertThat(s.phase()).as(s.message()).isEqualTo(Phase.Succeeded);
    }

    private static ReleaseStatus awaitPhase(String id, Phase phase, int step) {
        AtomicReference<ReleaseStatus> last = new AtomicReference<>();
        await("release " + id + " " + phase + " at step " + step).atMost(RELEASE).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    ReleaseStatus s = client.release(id);
                    last.set(s);
                    if (s.phase().isTerminal()) {
                        throw new AssertionError("release ended early: " + s);
                    }
                    return s.phase() == phase && s.step() == step;
                });
        return last.get();
    }

    /** The share of {@code body} over the next window of answers is the weight, within the tolerance. */
    private static void assertSplit(GrayLoad load, String body, int weight) {
        int from = load.mark() + 20;
        load.awaitAnswers(from, WINDOW, Duration.ofSeconds(120));
        GrayLoad.Window w = load.window(from);
        System.out.println("SWARM weight " + weight + "%: " + w);
        assertThat(w.failures).as(w.toString()).isEmpty();
        assertThat(w.percent(body)).as(w.toString()).isBetween(weight - TOLERANCE, weight + TOLERANCE);
    }

    private static long healthyReplicas(String app) {
        return client.app(app).services().stream().flatMap(s -> s.replicaSets().stream())
                .flatMap(set -> set.replicas().stream()).filter(r -> r.health().equals("healthy")).count();
    }

    /** The one Swarm service of the app (its only revision). */
    private static String serviceOf(String app) throws Exception {
        List<String> names = Docker.run("service", "ls", "--format", "{{.Name}}", "--filter",
                "label=io.slipway.app=" + app).strip().lines().toList();
        assertThat(names).hasSize(1);
        return names.get(0);
    }

    private static String serviceIds(String app) throws Exception {
        return Docker.run("service", "ls", "-q", "--filter", "label=io.slipway.app=" + app).strip();
    }

    /** The node of each task that runs (desired and current state running), one entry per task. */
    private static List<String> runningNodes(String service) throws Exception {
        return Docker.run("service", "ps", "--filter", "desired-state=running", "--format",
                        "{{.Node}} {{.CurrentState}}", service).lines()
                .filter(l -> l.contains(" Running ")).map(l -> l.substring(0, l.indexOf(' '))).toList();
    }

    private static Map<String, Long> countBy(List<String> nodes, Function<String, String> key) {
        return nodes.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
    }

    /** busybox httpd on 8080 answering "version V" at / (or 500 when failing) and "ok" at /health. */
    private static String web(String version, boolean failing) throws Exception {
        BusyboxHttpdImage image = BusyboxHttpdImage.labelled("swarm").file("health", "ok\n");
        if (failing) {
            image.script("cgi-bin/index.cgi", "#!/bin/sh\necho 'Status: 500 Internal Server Error'\n"
                    + "echo 'Content-Type: text/plain'\necho\necho 'version " + version + " failing'\n");
        } else {
            image.file("index.html", "version " + version + "\n");
        }
        return image.build(REGISTRY + "swarm-web:" + version);
    }

    /** Pushed, so that every node pulls it under the same name. */
    private static String pushed(String image) throws Exception {
        Docker.run("push", "-q", image);
        return image;
    }
}
