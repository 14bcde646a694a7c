package io.jenkins.plugins.slipway.runner.it.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.client.AppStatus;
import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.DeployResponse;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.runner.client.RunnerException;
import io.jenkins.plugins.slipway.runner.it.Apps;
import io.jenkins.plugins.slipway.runner.it.Http;
import io.jenkins.plugins.slipway.runner.it.RunnerProcess;
import io.jenkins.plugins.slipway.runner.it.SecretsUsed;
import io.jenkins.plugins.slipway.runner.it.gray.GrayApps;
import io.jenkins.plugins.slipway.runner.it.gray.GrayLoad;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code serve --engine kubernetes}: a real runner process (its real engine, router, release core and analysis)
 * against a mock API server whose controllers and kubelet {@link MockCluster} plays, each pod a real HTTP backend
 * on its own loopback address. Every object written is checked as the API server would ({@link CheckingDispatcher}).
 * No Docker here: no lock needed.
 */
class KubernetesEngineIT {
    private static final double TOLERANCE = 4.0;
    private static final int WINDOW = 600;
    private static ItCluster cluster;
    private static RunnerProcess runner;
    private static RunnerClient client;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "it-runners")), "kubernetes-");
        cluster = ItCluster.start(dir);
        runner = RunnerProcess.start("kubernetes", 22000, 22099,
                List.of("--engine", "kubernetes", "--kubeconfig", cluster.kubeconfig().toString(),
                        "--namespace", cluster.namespace()));
        client = runner.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (runner != null) {
            runner.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void everyWriteWasValid() {
        assertThat(cluster.problems()).as("objects the API server would refuse").isEmpty();
    }

    /**
     * One service named as its app: the engine gives it a Service of that name, which two apps of the namespace
     * cannot share.
     */
    private static String compose(String app, String image, int replicas, int port, String release) {
        return """
                services:
                  %s:
                    image: %s
                    stop_grace_period: 1s
                    deploy:
                      replicas: %d
                    x-slipway:
                      route: {port: %d, targetPort: 8080, healthPath: /health}
                      release:
                %s""".formatted(app, image, replicas, port, release.stripIndent().lines()
                .map(l -> "        " + l + "\n").collect(Collectors.joining()));
    }

    private static String deploy(String app, String compose, String image) {
        return client.deploy(app, new DeployRequest(compose, image == null ? Map.of() : Map.of(app, image), null))
                .release();
    }

    private static void firstRelease(String app, String compose) {
        ReleaseStatus s = Apps.awaitEnd(client, deploy(app, compose, null), Duration.ofSeconds(180));
        assertThat(s.phase()).as(s.message()).isEqualTo(Phase.Succeeded);
    }

    private static List<Deployment> deploymentsOf(String app) {
        return cluster.deployments().stream()
                .filter(d -> app.equals(d.getMetadata().getLabels().get("io.slipway.app"))).toList();
    }

    private static void awaitOnly(String app, String image, int replicas) {
        await("only " + replicas + " ready pods of " + image + " in " + app).atMost(Duration.ofSeconds(90))
                .until(() -> cluster.podsOf(app).equals(java.util.Collections.nCopies(replicas, image + " ready"))
                        && deploymentsOf(app).size() == 1);
    }

    private static void assertSplit(GrayLoad load, String body, int weight) {
        int from = load.mark() + 20;
        load.awaitAnswers(from, WINDOW, Duration.ofSeconds(180));
        GrayLoad.Window w = load.window(from);
        System.out.println("weight " + weight + "%: " + w);
        assertThat(w.failures).as(w.toString()).isEmpty();
        assertThat(w.percent(body)).as(w.toString()).isBetween(weight - TOLERANCE, weight + TOLERANCE);
    }

    private static final String CANARY = """
            strategy: canary
            steps:
              - setWeight: 25
              - pause: {}
            """;

    @Test
    void firstDeployThenARollingUpdateWithoutAFailedRequest() throws Exception {
        String app = "k-rolling";
        int port = RunnerProcess.freePort(22100, 22299);
        String compose = compose(app, cluster.image("v1"), 3, port, "strategy: rolling\n");
        firstRelease(app, compose);

        List<Deployment> first = deploymentsOf(app);
        assertThat(first).hasSize(1);
        Deployment d = first.get(0);
        assertThat(d.getSpec().getReplicas()).isEqualTo(3);
        assertThat(d.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", app)
                .containsEntry("app.kubernetes.io/part-of", app).containsEntry("app.kubernetes.io/managed-by", "slipway")
                .containsEntry("io.slipway.revision", "1");
        assertThat(d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(1L);
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getReadinessProbe().getHttpGet().getPath())
                .isEqualTo("/health");
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.pods().stream()
                .filter(p -> app.equals(p.getMetadata().getLabels().get("io.slipway.app")))
                .map(p -> p.getMetadata().getLabels().get("io.slipway.replica")).sorted().toList()
                .equals(List.of("1", "2", "3")));

        try (GrayLoad load = new GrayLoad(port, 4, 20_000, Duration.ofSeconds(300))) {
            load.awaitAnswers(0, 50, Duration.ofSeconds(60));
            assertThat(load.all().byBody).containsOnlyKeys("version v1");
            ReleaseStatus end = Apps.awaitEnd(client, deploy(app, compose, cluster.image("v2")), Duration.ofSeconds(180));
            assertThat(end.phase()).as(end.message()).isEqualTo(Phase.Succeeded);
            int after = load.mark();
            load.awaitAnswers(after, 200, Duration.ofSeconds(60));
            assertThat(load.window(after).byBody).containsOnlyKeys("version v2");
            load.close();
            GrayLoad.Window all = load.all();
            System.out.println("rolling update under load: " + all);
            assertThat(all.failures).as("failed requests out of " + all.total).isEmpty();
        }
        awaitOnly(app, cluster.image("v2"), 3);
        cluster.writes("POST deployments").ifPresent(n -> assertThat(n).isGreaterThanOrEqualTo(2));
        cluster.writes("PATCH deployments").ifPresent(n -> assertThat(n).isPositive());
        cluster.writes("PATCH pods").ifPresent(n -> assertThat(n).isPositive());
    }

    @Test
    void canaryAt25PercentThenPromotedTo100() throws Exception {
        String app = "k-canary";
        int port = RunnerProcess.freePort(22100, 22299);
        String compose = compose(app, cluster.image("v1"), 2, port, CANARY);
        firstRelease(app, compose);
        try (GrayLoad load = new GrayLoad(port, 4, 20_000, Duration.ofSeconds(300))) {
            load.awaitAnswers(0, 50, Duration.ofSeconds(60));
            String id = deploy(app, compose, cluster.image("v2"));
            ReleaseStatus at25 = GrayApps.awaitPhase(client, id, Phase.Paused, 2, Duration.ofSeconds(120));
            assertThat(at25.canaryWeight()).isEqualTo(25);
            assertSplit(load, "version v2", 25);
            client.promote(id, false);
            ReleaseStatus end = Apps.awaitEnd(client, id, Duration.ofSeconds(120));
            assertThat(end.phase()).as(end.message()).isEqualTo(Phase.Succeeded);
            assertSplit(load, "version v2", 100);
            load.close();
            assertThat(load.all().failures).as(load.all().toString()).isEmpty();
        }
        awaitOnly(app, cluster.image("v2"), 2);
    }

    @Test
    void aFailingVersionIsRolledBackByAnalysis() throws Exception {
        String app = "k-failing";
        int port = RunnerProcess.freePort(22100, 22299);
        String compose = compose(app, cluster.image("v1"), 2, port, """
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
        firstRelease(app, compose);
        try (GrayLoad load = new GrayLoad(port, 4, 20_000, Duration.ofSeconds(300))) {
            load.awaitAnswers(0, 50, Duration.ofSeconds(60));
            int from = load.mark();
            ReleaseStatus end = Apps.awaitEnd(client, deploy(app, compose, cluster.image("failing-v2")), Duration.ofSeconds(180));
            GrayLoad.Window during = load.window(from);
            assertThat(end.phase()).as(end.message()).isEqualTo(Phase.RolledBack);
            assertThat(end.message()).contains("analysis").contains("FAILED");
            System.out.println("failing canary window: " + during);
            assertThat(during.failures).as(during.toString()).isNotEmpty();
            int after = load.mark();
            load.awaitAnswers(after, 300, Duration.ofSeconds(90));
            GrayLoad.Window back = load.window(after);
            assertThat(back.failures).as(back.toString()).isEmpty();
            assertThat(back.byBody).containsOnlyKeys("version v1");
        }
        awaitOnly(app, cluster.image("v1"), 2);
    }

    @Test
    void abortPutsTrafficBackOnStableAndRemovesTheCanary() throws Exception {
        String app = "k-abort";
        int port = RunnerProcess.freePort(22100, 22299);
        String compose = compose(app, cluster.image("v1"), 2, port, CANARY);
        firstRelease(app, compose);
        try (GrayLoad load = new GrayLoad(port, 4, 20_000, Duration.ofSeconds(300))) {
            String id = deploy(app, compose, cluster.image("v2"));
            GrayApps.awaitPhase(client, id, Phase.Paused, 2, Duration.ofSeconds(120));
            assertSplit(load, "version v2", 25);
            client.abort(id, "testers found a bug");
            ReleaseStatus end = Apps.awaitEnd(client, id, Duration.ofSeconds(120));
            assertThat(end.phase()).as(end.message()).isEqualTo(Phase.Aborted);
            assertSplit(load, "version v2", 0);
            load.close();
            assertThat(load.all().failures).as(load.all().toString()).isEmpty();
        }
        awaitOnly(app, cluster.image("v1"), 2);
    }

    @Test
    void aRunnerKilledMidCanaryAdoptsItsDeploymentsAndResumes() throws Exception {
        String app = "k-resume";
        int port = RunnerProcess.freePort(22100, 22299);
        String compose = compose(app, cluster.image("v1"), 2, port, CANARY);
        firstRelease(app, compose);
        String id = deploy(app, compose, cluster.image("v2"));
        GrayApps.awaitPhase(client, id, Phase.Paused, 2, Duration.ofSeconds(120));
        List<String> before = deploymentsOf(app).stream().map(d -> d.getMetadata().getUid()).sorted().toList();
        java.util.OptionalInt created = cluster.writes("POST deployments");

        // The router lives in the runner: its routes are down until the runner is back.
        runner.kill9();
        runner.launch();
        client = runner.client();

        ReleaseStatus resumed = GrayApps.awaitPhase(client, id, Phase.Paused, 2, Duration.ofSeconds(120));
        assertThat(resumed.canaryWeight()).isEqualTo(25);
        // The stored release reads Paused as soon as the API answers; the route listens once the restarted
        // runner has seen the pods again (a few passes later on a busy machine).
        await("route on port " + port + " answers after the restart").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    java.net.http.HttpResponse<String> r = Http.get("http://127.0.0.1:" + port + "/");
                    return r != null && r.statusCode() == 200;
                });
        try (GrayLoad load = new GrayLoad(port, 4, 20_000, Duration.ofSeconds(300))) {
            assertSplit(load, "version v2", 25);
            assertThat(deploymentsOf(app).stream().map(d -> d.getMetadata().getUid()).sorted().toList())
                    .as("the same Deployments, adopted").isEqualTo(before);
            assertThat(cluster.writes("POST deployments")).as("Deployments created after the restart")
                    .isEqualTo(created);

            client.promote(id, false);
            ReleaseStatus end = Apps.awaitEnd(client, id, Duration.ofSeconds(120));
            assertThat(end.phase()).as(end.message()).isEqualTo(Phase.Succeeded);
            assertSplit(load, "version v2", 100);
            load.close();
            assertThat(load.all().failures).as(load.all().toString()).isEmpty();
        }
        awaitOnly(app, cluster.image("v2"), 2);
    }

    @Test
    void placementIsWrittenAsSchedulingFieldsTheApiServerTakes() {
        String app = "k-placed";
        int port = RunnerProcess.freePort(22100, 22299);
        String compose = compose(app, cluster.image("v1"), 2, port, "strategy: rolling\n").replace(
                "      replicas: 2\n", "      replicas: 2\n"
                        + "      placement:\n"
                        + "        constraints: [\"node.labels.zone == b\", \"node.role != manager\"]\n"
                        + "        preferences: [{spread: node.labels.rack}]\n"
                        + "        max_replicas_per_node: 1\n");
        assertThat(compose).contains("max_replicas_per_node");
        firstRelease(app, compose);

        io.fabric8.kubernetes.api.model.PodSpec pod = deploymentsOf(app).get(0).getSpec().getTemplate().getSpec();
        assertThat(pod.getNodeSelector()).containsExactly(Map.entry("zone", "b"));
        assertThat(pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms().get(0).getMatchExpressions())
                .extracting(r -> r.getKey() + " " + r.getOperator())
                .containsExactly("node-role.kubernetes.io/control-plane DoesNotExist");
        assertThat(pod.getTopologySpreadConstraints()).extracting(t -> t.getTopologyKey() + " "
                + t.getWhenUnsatisfiable()).containsExactly("rack ScheduleAnyway");
        assertThat(pod.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
                .extracting(t -> t.getTopologyKey()).containsExactly("kubernetes.io/hostname");
        client.deleteApp(app);
    }

    @Test
    void aFileTheEngineCannotRunIsRefusedAtDeployAndNothingIsWritten() {
        String app = "k-refused";
        int port = RunnerProcess.freePort(22100, 22299);
        String compose = compose(app, cluster.image("v1"), 1, port, "strategy: rolling\n").replace(
                "      replicas: 1\n", "      replicas: 1\n"
                        + "      placement:\n"
                        + "        constraints: [\"node.id == 2x7ql\", \"node.labels.zone == b\"]\n");
        assertThat(compose).contains("node.id");
        List<String> before = cluster.objects();

        assertThatThrownBy(() -> client.deploy(app, new DeployRequest(compose, Map.of(), null)))
                .isInstanceOfSatisfying(RunnerException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.error().problems()).extracting(ApiError.Problem::path)
                            .containsExactly("services." + app + ".deploy.placement.constraints[0]");
                    assertThat(e.error().problems().get(0).message()).contains("node.id");
                });
        assertThat(client.apps()).extracting(AppStatus::name).doesNotContain(app);
        assertThat(cluster.objects()).as("objects after a refused deploy").isEqualTo(before);
    }

    /**
     * Secrets and configs as a Secret and a ConfigMap per service revision, mounted file by file; a changed secret
     * is a new revision whose pods mount the new value; the app's deletion takes them all. No value reaches the
     * runner's log, its answers or its data dir in the open.
     */
    @Test
    void secretsAndConfigsAreMountedFromASecretAndAConfigMap() throws Exception {
        String app = "k-files";
        int port = RunnerProcess.freePort(22100, 22299);
        String password = SecretsUsed.record("k8s-db-pw-" + UUID.randomUUID());
        String apiKey = SecretsUsed.record("k8s-api-key-" + UUID.randomUUID());
        String compose = compose(app, cluster.image("v1"), 2, port, "strategy: rolling\n").replace(
                "    stop_grace_period: 1s\n", """
                    stop_grace_period: 1s
                    secrets:
                      - db_password
                      - {source: api_key, target: keys/api.key, mode: 0400}
                    configs:
                      - {source: site, target: /etc/site/site.conf, mode: "0440"}
                """) + """
                secrets:
                  db_password: {environment: DB_PASSWORD}
                  api_key: {environment: API_KEY}
                configs:
                  site: {content: "listen 8080"}
                """;
        List<String> answers = new ArrayList<>();
        String first = deployFiles(app, compose, Map.of("db_password", password, "api_key", apiKey), answers);

        Deployment d = deploymentsOf(app).get(0);
        String name = d.getMetadata().getName();
        Secret secret = cluster.client().secrets().inNamespace(cluster.namespace()).withName(name).get();
        assertThat(secret).as("Secret " + name).isNotNull();
        assertThat(secret.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "slipway")
                .containsEntry("app.kubernetes.io/part-of", app).containsEntry("io.slipway.revision", "1");
        assertThat(decoded(secret)).containsExactly(Map.entry("api_key", apiKey), Map.entry("db_password", password));
        ConfigMap config = cluster.client().configMaps().inNamespace(cluster.namespace()).withName(name).get();
        assertThat(config.getData()).containsExactly(Map.entry("site", "listen 8080"));
        assertThat(config.getMetadata().getLabels()).containsEntry("app.kubernetes.io/part-of", app);

        io.fabric8.kubernetes.api.model.PodSpec pod = d.getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes()).extracting(v -> v.getName() + " <- " + (v.getSecret() != null
                ? "Secret " + v.getSecret().getSecretName() : "ConfigMap " + v.getConfigMap().getName()))
                .containsExactly("secrets <- Secret " + name, "configs <- ConfigMap " + name);
        assertThat(pod.getVolumes().get(0).getSecret().getItems()).extracting(i -> i.getKey() + " "
                + Integer.toOctalString(i.getMode())).containsExactly("db_password 444", "api_key 400");
        assertThat(pod.getVolumes().get(1).getConfigMap().getItems()).extracting(i -> i.getKey() + " "
                + Integer.toOctalString(i.getMode())).containsExactly("site 440");
        assertThat(pod.getContainers().get(0).getVolumeMounts())
                .extracting(m -> m.getName() + " -> " + m.getMountPath() + (m.getReadOnly() ? " ro" : ""))
                .containsExactly("secrets -> /run/secrets/db_password ro", "secrets -> /run/secrets/keys/api.key ro",
                        "configs -> /etc/site/site.conf ro");

        String changed = SecretsUsed.record("k8s-db-pw-" + UUID.randomUUID());
        deployFiles(app, compose, Map.of("db_password", changed, "api_key", apiKey), answers);
        assertThat(client.app(app).revision()).as("a changed secret is a new revision").isEqualTo(2);
        awaitOnly(app, cluster.image("v1"), 2);
        Deployment second = deploymentsOf(app).get(0);
        assertThat(second.getMetadata().getLabels()).containsEntry("io.slipway.revision", "2");
        Secret rolled = cluster.client().secrets().inNamespace(cluster.namespace())
                .withName(second.getMetadata().getName()).get();
        assertThat(decoded(rolled)).containsEntry("db_password", changed);
        await("the Secret and ConfigMap of revision 1 go with its Deployment").atMost(Duration.ofSeconds(30))
                .until(() -> cluster.client().secrets().inNamespace(cluster.namespace()).withName(name).get() == null
                        && cluster.client().configMaps().inNamespace(cluster.namespace()).withName(name).get() == null);

        answers.add(api("/api/v1/apps"));
        answers.add(api("/api/v1/apps/" + app));
        answers.add(api("/api/v1/releases/" + first));
        answers.add(api("/api/v1/releases/" + first + "/events"));
        answers.add(api("/api/v1/releases/" + first + "/plan"));
        answers.add(runner.logText());
        assertThat(runner.logText()).contains("Created Secret " + name);
        List<String> values = List.of(password, apiKey, changed);
        for (String text : answers) {
            for (String value : values) {
                assertThat(text.contains(value)).as("a secret value in: "
                        + text.substring(0, Math.min(200, text.length()))).isFalse();
            }
        }
        try (java.util.stream.Stream<Path> walk = Files.walk(runner.dataDir())) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                values.forEach(v -> assertThat(bytes.contains(v)).as(f + " holds a secret value").isFalse());
            }
        }

        client.deleteApp(app);
        await("no object of " + app + " left").atMost(Duration.ofSeconds(60))
                .until(() -> cluster.objects().stream().noneMatch(o -> o.contains(app)));
    }

    /**
     * A service writing to a named volume: its claim is ReadWriteOnce, so more than one replica is refused at deploy,
     * and the plan and the release say it runs one; the claim goes with the app when asked.
     */
    @Test
    void aServiceWritingToANamedVolumeRunsOneReplica() {
        String app = "k-stateful";
        int port = RunnerProcess.freePort(22100, 22299);
        String compose = compose(app, cluster.image("v1"), 2, port, "strategy: rolling\n").replace(
                "    stop_grace_period: 1s\n", "    stop_grace_period: 1s\n    volumes: [\"data:/var/lib/data\"]\n")
                + "volumes:\n  data: {}\n";

        assertThatThrownBy(() -> client.deploy(app, new DeployRequest(compose, Map.of(), null)))
                .isInstanceOfSatisfying(RunnerException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.error().problems()).extracting(p -> p.path() + ": " + p.message()).singleElement()
                            .asString().startsWith("services." + app + ".deploy.replicas: 2 replicas refused on the"
                                    + " kubernetes engine: it writes to named volume data, a ReadWriteOnce");
                });
        assertThat(client.apps()).extracting(AppStatus::name).doesNotContain(app);

        String one = compose.replace("replicas: 2", "replicas: 1");
        Map<String, Object> plan = client.validate(app, new DeployRequest(one, Map.of(), null));
        assertThat(String.valueOf(plan.get("services"))).contains(app + ": one replica on the kubernetes engine,"
                + " because it writes to named volume data");
        firstRelease(app, one);
        io.fabric8.kubernetes.api.model.PodSpec pod = deploymentsOf(app).get(0).getSpec().getTemplate().getSpec();
        String claim = pod.getVolumes().get(0).getPersistentVolumeClaim().getClaimName();
        assertThat(cluster.client().persistentVolumeClaims().inNamespace(cluster.namespace()).withName(claim).get()
                .getSpec().getAccessModes()).containsExactly("ReadWriteOnce");

        client.deleteApp(app, true);
        await("no object of " + app + " left").atMost(Duration.ofSeconds(60))
                .until(() -> cluster.objects().stream().noneMatch(o -> o.contains(app)));
    }

    /** Deploys with the secret values given and waits for the release to succeed; returns its id. */
    private static String deployFiles(String app, String compose, Map<String, String> secrets, List<String> answers) {
        Map<String, byte[]> bytes = new java.util.TreeMap<>();
        secrets.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
        DeployResponse r = client.deploy(app, new DeployRequest(compose, Map.of(), null, bytes, Map.of(), Map.of()));
        answers.add(String.valueOf(r));
        ReleaseStatus s = Apps.awaitEnd(client, r.release(), Duration.ofSeconds(180));
        assertThat(s.phase()).as(s.message()).isEqualTo(Phase.Succeeded);
        return r.release();
    }

    private static Map<String, String> decoded(Secret secret) {
        Map<String, String> out = new java.util.TreeMap<>();
        secret.getData().forEach((k, v) -> out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        return out;
    }

    private static String api(String path) throws Exception {
        java.net.http.HttpResponse<String> rsp = Http.send("GET", runner.url() + path, runner.token(), null);
        assertThat(rsp.statusCode()).as(path + ": " + rsp.body()).isEqualTo(200);
        return rsp.body();
    }

    @Test
    void deletingTheAppLeavesNoObjectBehind() {
        String app = "k-gone";
        int port = RunnerProcess.freePort(22100, 22299);
        firstRelease(app, compose(app, cluster.image("v1"), 2, port, "strategy: rolling\n"));
        assertThat(deploymentsOf(app)).hasSize(1);
        Service svc = cluster.client().services().inNamespace(cluster.namespace()).withName(app).get();
        assertThat(svc).as("the Service of " + app).isNotNull();
        assertThat(svc.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(svc.getSpec().getPorts()).extracting(p -> p.getPort() + "->" + p.getTargetPort().getIntVal())
                .containsExactly("8080->8080");
        assertThat(deploymentsOf(app).get(0).getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(svc.getSpec().getSelector())
                .containsEntry("io.slipway.revision", "1");
        assertThat(svc.getSpec().getSelector()).containsEntry("io.slipway.app", app)
                .doesNotContainKey("io.slipway.revision");

        client.deleteApp(app);
        await("no object of " + app + " left").atMost(Duration.ofSeconds(60)).until(() ->
                deploymentsOf(app).isEmpty() && cluster.pods().stream().map(Pod::getMetadata)
                        .noneMatch(m -> app.equals(m.getLabels().get("io.slipway.app"))));
        assertThat(cluster.objects()).noneMatch(o -> o.contains(app));
    }
}
