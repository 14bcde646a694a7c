package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.compose.ComposeException;
import io.jenkins.plugins.slipway.runner.compose.HostAccess;
import io.jenkins.plugins.slipway.runner.compose.SpecCache;
import io.jenkins.plugins.slipway.runner.events.EventLog;
import io.jenkins.plugins.slipway.runner.release.Deployer;
import io.jenkins.plugins.slipway.runner.release.EngineFit;
import io.jenkins.plugins.slipway.runner.release.Strategies;
import io.jenkins.plugins.slipway.runner.secrets.DeployFiles;
import io.jenkins.plugins.slipway.runner.secrets.SecretStore;
import io.jenkins.plugins.slipway.runner.store.AppRepository;
import io.jenkins.plugins.slipway.runner.store.Database;
import io.jenkins.plugins.slipway.runner.store.ReleaseRepository;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.engine.ReplicaSetSpec;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the engine does on its own at start, against the mock API server (CRUD mode, no controllers needed). */
class KubernetesEngineTest {
    private static final String RUNNER = "0a1b2c3d4e5f";
    private KubernetesMockServer server;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    /** A deployer on the engine, as the runner makes it. */
    private static Deployer deployer(Database db, AppRepository apps, ReleaseRepository releases, Path dir,
                                     KubernetesEngine engine) throws Exception {
        return new Deployer(db, apps, releases, new SpecCache(db, apps), new EventLog(db, releases),
                Strategies.defaults(), HostAccess.DEFAULT, SecretStore.open(dir), EngineFit.of(engine));
    }

    private void create(HasMetadata o) {
        client.resource(o).inNamespace(client.getNamespace()).create();
    }

    @Test
    void theSecretsAndConfigMapsOfDeploymentsThatAreGoneAreDeletedAtStart() {
        ServiceSpec web = new ServiceSpec("web", "web:1", null, null, Map.of(), List.of(), null, Map.of(), 1, 0, 0,
                ServiceSpec.RestartPolicy.DEFAULT, ServiceSpec.UpdateConfig.DEFAULT, Duration.ofSeconds(1), null,
                new ReleaseSpec.Rolling());
        Deployment live = DeploymentManifests.of(RUNNER, client.getNamespace(), new ReplicaSetSpec("shop", "web", 2, 1, web));
        String liveName = live.getMetadata().getName();
        create(live);
        Map<String, String> ours = Map.of(Labels.RUNNER, RUNNER, Labels.APP, "shop");
        Map<String, String> another = Map.of(Labels.RUNNER, "ffffffffffff", Labels.APP, "shop");
        create(new SecretBuilder().withNewMetadata().withName(liveName).withLabels(ours).endMetadata().build());
        create(new ConfigMapBuilder().withNewMetadata().withName(liveName).withLabels(ours).endMetadata().build());
        create(new SecretBuilder().withNewMetadata().withName("slipway-shop-web-1-" + RUNNER).withLabels(ours)
                .endMetadata().build());
        create(new ConfigMapBuilder().withNewMetadata().withName("slipway-shop-web-1-" + RUNNER).withLabels(ours)
                .endMetadata().build());
        create(new SecretBuilder().withNewMetadata().withName("another-runners").withLabels(another).endMetadata()
                .build());

        new KubernetesEngine(client, RUNNER).close();

        KubernetesClient reader = server.createClient();
        assertThat(reader.secrets().list().getItems()).extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrder(liveName, "another-runners");
        assertThat(reader.configMaps().list().getItems()).extracting(s -> s.getMetadata().getName())
                .containsExactly(liveName);
        reader.close();
    }

    /**
     * The Gateway API router makes a revision's Service from a release's pass, before the release is saved: a
     * converge whose sets were read before that (the app has none yet) leaves it to the router. The revision Service
     * of an app that no longer exists (deleted while no runner ran) is deleted.
     */
    @Test
    void aRevisionServiceOfTheGatewayRouterStaysWhileItsAppExists() {
        String ns = client.getNamespace();
        Service kept = ServiceManifests.revision(RUNNER, ns, "shop", "web", 1, 8080);
        Service orphan = ServiceManifests.revision(RUNNER, ns, "gone", "web", 1, 8080);
        create(kept);
        create(orphan);

        try (KubernetesEngine engine = new KubernetesEngine(client, RUNNER)) {
            engine.converge(Map.of("shop", List.of()), replica -> Duration.ZERO);

            await("the orphan's Service deleted").atMost(Duration.ofSeconds(30)).until(() ->
                    client.services().withName(orphan.getMetadata().getName()).get() == null);
            assertThat(client.services().withName(kept.getMetadata().getName()).get())
                    .as("the Service of a revision the router has just put in its HTTPRoute").isNotNull();
        }
    }

    /** Container settings a pod has no field for are named in the deploy's answer, not only in the runner's log. */
    @Test
    void settingsAPodCannotCarryAreWarningsInTheDeployAnswer(@TempDir Path dir) throws Exception {
        String compose = """
                services:
                  web:
                    image: web:1
                    init: true
                    stop_signal: SIGINT
                    ulimits: {nofile: 1024}
                  api:
                    image: api:1
                    networks: [back]
                networks:
                  back: {internal: true}
                """;
        try (Database db = Database.open(dir); KubernetesEngine engine = new KubernetesEngine(client, RUNNER)) {
            AppRepository apps = new AppRepository();
            ReleaseRepository releases = new ReleaseRepository();
            Deployer deployer = deployer(db, apps, releases, dir, engine);

            assertThat(deployer.deploy("shop", compose, Map.of(), null, DeployFiles.NONE).warnings()).containsSubsequence(
                    "services.web.stop_signal: not applied: a Kubernetes pod has no counterpart",
                    "services.web.init: not applied: a Kubernetes pod has no counterpart",
                    "services.web.ulimits: not applied: a Kubernetes pod has no counterpart",
                    "networks.back.internal: not applied: on Kubernetes the app's pods can reach and be reached by the"
                            + " namespace (no NetworkPolicy is written)")
                    .noneMatch(w -> w.startsWith("services.api."));
        }
    }

    /**
     * A deploy whose secrets would make a Secret over the API server's 1 MiB is a 400 at deploy, through the engine's
     * refusals (EngineFit), naming the service, each secret and its size; nothing is stored, nothing written.
     */
    @Test
    void secretsOverOneMebibyteInOneServiceAreRefusedAtDeploy(@TempDir Path dir) throws Exception {
        String compose = """
                services:
                  web:
                    image: web:1
                    secrets: [cert_chain, keystore, dump]
                  api:
                    image: api:1
                    secrets: [cert_chain]
                secrets:
                  cert_chain: {environment: CERTS}
                  keystore: {environment: KEYSTORE}
                  dump: {environment: DUMP}
                """;
        DeployFiles files = new DeployFiles(Map.of("cert_chain", new byte[400 * 1024], "keystore",
                new byte[400 * 1024], "dump", new byte[300 * 1024]), Map.of(), Map.of());
        AppRepository apps = new AppRepository();
        ReleaseRepository releases = new ReleaseRepository();
        try (Database db = Database.open(dir); KubernetesEngine engine = new KubernetesEngine(client, RUNNER)) {
            Deployer deployer = deployer(db, apps, releases, dir, engine);

            assertThatThrownBy(() -> deployer.deploy("shop", compose, Map.of(), null, files))
                    .isInstanceOfSatisfying(ComposeException.class, e -> assertThat(e.problems())
                            .extracting(p -> p.path() + ": " + p.message())
                            .containsExactly("services.web.secrets: service web mounts 1126400 bytes of secrets"
                                    + " (cert_chain 409600 bytes, dump 307200 bytes, keystore 409600 bytes), which the"
                                    + " engine keeps in one Secret per revision, and Kubernetes refuses a Secret over"
                                    + " 1048576 bytes (1 MiB); mount fewer or smaller secrets in this service, or"
                                    + " split it"));
            assertThatThrownBy(() -> deployer.parse(compose, Map.of(), files)).isInstanceOf(ComposeException.class);
            java.util.Optional<io.jenkins.plugins.slipway.runner.store.AppRecord> app = db.tx(c -> apps.find(c, "shop"));
            assertThat(app).as("the app, after a refused deploy").isEmpty();
        }
        assertThat(server.createClient().secrets().list().getItems()).isEmpty();
    }

    @Test
    void externalSecretsAndConfigsAreTheOnesInTheNamespaceAndTheirKeyIsChosenOrTheDeployRefused(@TempDir Path dir)
            throws Exception {
        String compose = """
                services:
                  web:
                    image: web:1
                    secrets: [db_password, api_token, tls]
                    configs: [site, missing_config]
                secrets:
                  db_password: {external: true, name: prod-db}
                  api_token: {external: true}
                  tls: {external: true, name: prod-tls}
                configs:
                  site: {external: true, name: site-conf}
                  missing_config: {external: true}
                """;
        create(new SecretBuilder().withNewMetadata().withName("prod-db").endMetadata()
                .withData(Map.of("password", "c2VjcmV0")).build());
        create(new SecretBuilder().withNewMetadata().withName("api_token").endMetadata()
                .withData(Map.of("api_token", "dA==", "note", "bg==")).build());
        create(new SecretBuilder().withNewMetadata().withName("prod-tls").endMetadata()
                .withData(Map.of("tls.crt", "Yw==", "tls.key", "aw==")).build());
        create(new ConfigMapBuilder().withNewMetadata().withName("site-conf").endMetadata()
                .withData(Map.of("site.conf", "listen 80;")).build());
        AppRepository apps = new AppRepository();
        ReleaseRepository releases = new ReleaseRepository();
        try (Database db = Database.open(dir); KubernetesEngine engine = new KubernetesEngine(client, RUNNER)) {
            Deployer deployer = deployer(db, apps, releases, dir, engine);
            String ns = client.getNamespace();
            assertThatThrownBy(() -> deployer.deploy("shop", compose, Map.of(), null, DeployFiles.NONE))
                    .isInstanceOfSatisfying(ComposeException.class, e -> assertThat(e.problems())
                            .extracting(p -> p.path() + ": " + p.message()).containsExactly(
                                    "secrets.tls.external: Secret prod-tls in namespace " + ns + " has the keys"
                                            + " [tls.crt, tls.key], none named tls: the file mounted is the key named"
                                            + " like the secret, or the only key",
                                    "configs.missing_config.external: no ConfigMap missing_config in namespace " + ns
                                            + ": make it first (kubectl -n " + ns + " create configmap missing_config"
                                            + " --from-file=missing_config=FILE), or give the value in the file instead"
                                            + " of external: true"));
            String fine = compose.replace("secrets: [db_password, api_token, tls]", "secrets: [db_password, api_token]")
                    .replace("configs: [site, missing_config]", "configs: [site]");
            deployer.parse(fine, Map.of(), DeployFiles.NONE);

            // The Deployment mounts each from its own object, by the key chosen; the values stay in the Secrets.
            ServiceSpec web = deployer.parse(fine, Map.of(), DeployFiles.NONE).spec().services().get("web");
            Deployment d = DeploymentManifests.of(RUNNER, ns, new ReplicaSetSpec("shop", "web", 1, 1, web), null,
                    new ExternalObjects(client, ns).keys());
            assertThat(d.getSpec().getTemplate().getSpec().getVolumes()).extracting(v -> v.getName() + " "
                    + (v.getSecret() != null ? "Secret " + v.getSecret().getSecretName() + " " + v.getSecret().getItems()
                    .stream().map(i -> i.getKey()).toList() : "ConfigMap " + v.getConfigMap().getName() + " "
                    + v.getConfigMap().getItems().stream().map(i -> i.getKey()).toList()))
                    .containsExactlyInAnyOrder("external-secret-0 Secret prod-db [password]",
                            "external-secret-1 Secret api_token [api_token]",
                            "external-config-2 ConfigMap site-conf [site.conf]");
            assertThat(KubernetesObjectCheck.problems(io.fabric8.kubernetes.client.utils.Serialization.asJson(d)))
                    .isEmpty();
            assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts())
                    .extracting(m -> m.getMountPath() + " <- " + m.getName())
                    .contains("/run/secrets/db_password <- external-secret-0", "/site <- external-config-2");
        }
    }
}
