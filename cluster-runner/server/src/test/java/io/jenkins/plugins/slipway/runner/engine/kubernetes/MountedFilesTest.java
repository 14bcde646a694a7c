package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.slipway.runner.compose.FileMount;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.engine.FileValues;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.engine.ReplicaSetSpec;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A service's secrets and configs as a Secret, a ConfigMap and read-only file mounts of the Deployment's pods. */
class MountedFilesTest {
    private static final String RUNNER = "0a1b2c3d4e5f";
    private static final byte[] PASSWORD = "pa55-w0rd-not-for-logs".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEYSTORE = {(byte) 0xfe, (byte) 0xed, (byte) 0xfe, (byte) 0xed, 0, 2};
    /** The runner's store, as far as this service goes. */
    private static final FileValues VALUES = (app, revision, m) -> switch (m.source()) {
        case "db_password" -> PASSWORD;
        case "keystore" -> KEYSTORE;
        default -> m.content().getBytes(StandardCharsets.UTF_8);
    };

    private static ServiceSpec service(List<FileMount> files) {
        ServiceSpec plain = new ServiceSpec("web", "registry.example/shop/web:2", null, null, Map.of(), List.of(8080),
                null, Map.of(), 2, 0, 0, ServiceSpec.RestartPolicy.DEFAULT, ServiceSpec.UpdateConfig.DEFAULT,
                Duration.ofSeconds(1), null, new ReleaseSpec.Rolling());
        return new ServiceSpec(plain.name(), plain.image(), plain.command(), plain.entrypoint(),
                plain.environment(), plain.ports(), plain.healthcheck(), plain.labels(), plain.replicas(),
                plain.memoryBytes(), plain.nanoCpus(), plain.restartPolicy(), plain.updateConfig(), plain.stopGrace(),
                plain.route(), plain.release(), plain.wiring(), plain.settings(), files, plain.placement());
    }

    private static final List<FileMount> FILES = List.of(
            new FileMount(FileMount.Kind.SECRET, "db_password", "/run/secrets/db_password", 0, 0, 0400, "hmac:1", null),
            new FileMount(FileMount.Kind.SECRET, "db_password", "/etc/app/db.pw", 0, 0, 0440, "hmac:1", null),
            new FileMount(FileMount.Kind.CONFIG, "nginx", "/etc/nginx/nginx.conf", 0, 0, 0444, null,
                    "worker_processes 1;"),
            new FileMount(FileMount.Kind.CONFIG, "keystore", "/keystore.jks", 0, 0, 0444, "hmac:2", null));

    @Test
    void secretsAndConfigsBecomeASecretAndAConfigMapMountedFileByFile() {
        ReplicaSetSpec set = new ReplicaSetSpec("shop", "web", 4, 2, service(FILES));
        Secret secret = MountedFiles.secret(RUNNER, "apps", set, VALUES);
        ConfigMap config = MountedFiles.configMap(RUNNER, "apps", set, VALUES);
        Deployment d = DeploymentManifests.of(RUNNER, "apps", set);

        String name = d.getMetadata().getName();
        for (var o : List.of(secret, config, d)) {
            assertThat(KubernetesObjectCheck.problems(Serialization.asJson(o))).as(o.getKind()).isEmpty();
        }
        assertThat(secret.getMetadata().getName()).isEqualTo(name);
        assertThat(config.getMetadata().getName()).isEqualTo(name);
        assertThat(secret.getMetadata().getLabels()).containsEntry(Labels.APP, "shop").containsEntry(Labels.REVISION, "4")
                .containsEntry("app.kubernetes.io/managed-by", "slipway").containsEntry("app.kubernetes.io/part-of", "shop");
        assertThat(secret.getImmutable()).isTrue();
        assertThat(secret.getData()).containsOnlyKeys("db_password");
        assertThat(Base64.getDecoder().decode(secret.getData().get("db_password"))).isEqualTo(PASSWORD);
        assertThat(config.getData()).containsExactly(Map.entry("nginx", "worker_processes 1;"));
        assertThat(Base64.getDecoder().decode(config.getBinaryData().get("keystore"))).isEqualTo(KEYSTORE);
        assertThat(Serialization.asJson(d)).as("the Deployment holds no value").doesNotContain("pa55")
                .doesNotContain("worker_processes");

        PodSpec pod = d.getSpec().getTemplate().getSpec();
        Volume secrets = pod.getVolumes().stream().filter(v -> v.getName().equals("secrets")).findFirst().orElseThrow();
        assertThat(secrets.getSecret().getSecretName()).isEqualTo(name);
        assertThat(secrets.getSecret().getItems()).extracting(i -> i.getKey() + " " + i.getPath() + " "
                + Integer.toOctalString(i.getMode())).containsExactly("db_password 0-db_password 400",
                "db_password 1-db_password 440");
        Volume configs = pod.getVolumes().stream().filter(v -> v.getName().equals("configs")).findFirst().orElseThrow();
        assertThat(configs.getConfigMap().getName()).isEqualTo(name);
        Container c = pod.getContainers().get(0);
        assertThat(c.getVolumeMounts()).extracting(m -> m.getName() + ":" + m.getSubPath() + " -> " + m.getMountPath()
                + (Boolean.TRUE.equals(m.getReadOnly()) ? " ro" : " rw")).containsExactly(
                "secrets:0-db_password -> /run/secrets/db_password ro", "secrets:1-db_password -> /etc/app/db.pw ro",
                "configs:0-nginx -> /etc/nginx/nginx.conf ro", "configs:1-keystore -> /keystore.jks ro");
        assertThat(MountedFiles.mountsFiles(pod)).isTrue();
        assertThat(DeploymentManifests.refusals(set.spec())).isEmpty();
    }

    @Test
    void aServiceWithoutFilesHasNeitherObjectNorVolume() {
        ReplicaSetSpec set = new ReplicaSetSpec("shop", "web", 1, 1, service(List.of()));

        assertThat(MountedFiles.secret(RUNNER, "apps", set, FileValues.NONE)).isNull();
        assertThat(MountedFiles.configMap(RUNNER, "apps", set, FileValues.NONE)).isNull();
        assertThat(MountedFiles.mountsFiles(DeploymentManifests.of(RUNNER, "apps", set).getSpec().getTemplate()
                .getSpec())).isFalse();
    }

    @Test
    void anOwnerOtherThanRootIsRefusedNamingTheMount() {
        ServiceSpec s = service(List.of(FILES.get(2),
                new FileMount(FileMount.Kind.SECRET, "db_password", "/run/secrets/db_password", 0, 0, 0400, "d", null),
                new FileMount(FileMount.Kind.SECRET, "api_key", "/run/secrets/api_key", 1000, 1000, 0400, "d", null)));

        assertThat(DeploymentManifests.refusals(s)).extracting(p -> p.path() + ": " + p.message()).singleElement()
                .asString().startsWith("services.web.secrets[1]: api_key asks for owner 1000:1000")
                .contains("owned by root");
    }

    /** The API server's limit, 1 MiB of values per object, each value counted once however often it is mounted. */
    @Test
    void aServiceWhoseSecretsOrConfigsExceedOneObjectIsRefusedNamingEachValueAndItsSize() {
        List<FileMount> files = List.of(
                new FileMount(FileMount.Kind.SECRET, "tls_key", "/run/secrets/tls.key", 0, 0, 0400, "hmac:1", null),
                new FileMount(FileMount.Kind.SECRET, "tls_key", "/etc/tls/key.pem", 0, 0, 0400, "hmac:1", null),
                new FileMount(FileMount.Kind.SECRET, "dump", "/run/secrets/dump", 0, 0, 0400, "hmac:2", null),
                new FileMount(FileMount.Kind.CONFIG, "nginx", "/etc/nginx/nginx.conf", 0, 0, 0444, null, "x"));
        Map<String, Long> sizes = Map.of("tls_key", 600_000L, "dump", 500_000L, "nginx", 1L);
        ServiceSpec s = service(files);

        assertThat(MountedFiles.sizeProblems(s, m -> sizes.get(m.source())))
                .extracting(p -> p.path() + ": " + p.message())
                .containsExactly("services.web.secrets: service web mounts 1100000 bytes of secrets (dump 500000 bytes,"
                        + " tls_key 600000 bytes), which the engine keeps in one Secret per revision, and Kubernetes"
                        + " refuses a Secret over 1048576 bytes (1 MiB); mount fewer or smaller secrets in this"
                        + " service, or split it");
        Map<String, Long> fits = Map.of("tls_key", 548_576L, "dump", 500_000L, "nginx", 1_048_576L);
        assertThat(MountedFiles.sizeProblems(s, m -> fits.get(m.source()))).as("exactly 1 MiB each").isEmpty();
        Map<String, Long> bigConfig = Map.of("tls_key", 1L, "dump", 1L, "nginx", 1_048_577L);
        assertThat(MountedFiles.sizeProblems(s, m -> bigConfig.get(m.source())))
                .extracting(p -> p.path()).containsExactly("services.web.configs");
    }
}
