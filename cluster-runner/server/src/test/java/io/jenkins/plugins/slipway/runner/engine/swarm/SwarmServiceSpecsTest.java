package io.jenkins.plugins.slipway.runner.engine.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.api.model.ContainerSpecConfig;
import com.github.dockerjava.api.model.ContainerSpecFile;
import com.github.dockerjava.api.model.ContainerSpecSecret;
import io.jenkins.plugins.slipway.runner.compose.ComposeParser;
import io.jenkins.plugins.slipway.runner.compose.FileInputs;
import io.jenkins.plugins.slipway.runner.compose.FileMount;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.engine.ReplicaSetSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the manager receives for a replica set, serialized by docker-java's own mapper as the client sends it. */
class SwarmServiceSpecsTest {
    private static final ObjectMapper DOCKER_JAVA = DockerClientConfig.getDefaultObjectMapper();

    @Test
    void aSetBecomesAReplicatedServiceWithPlacementReservationsAndHostModePorts() throws Exception {
        ServiceSpec web = new ComposeParser().parse("""
                services:
                  web:
                    image: 127.0.0.1:5000/web:1
                    command: ["httpd", "-f"]
                    labels: {team: shop}
                    stop_grace_period: 2s
                    healthcheck: {test: ["CMD", "true"], interval: 1s, retries: 2}
                    deploy:
                      replicas: 6
                      placement:
                        constraints: ["node.labels.zone == b"]
                        preferences: [{spread: node.labels.zone}]
                      resources:
                        limits: {memory: 64m}
                        reservations:
                          memory: 16m
                          generic_resources: [{discrete_resource_spec: {kind: NVIDIA-GPU, value: 1}}]
                      restart_policy: {condition: on-failure, max_attempts: 3}
                    x-slipway:
                      route: {port: 8000, targetPort: 8080}
                """, Map.of()).spec().services().get("web");
        JsonNode json = DOCKER_JAVA.readTree(DOCKER_JAVA.writeValueAsString(SwarmServiceSpecs.of("r1",
                new ReplicaSetSpec("shop", "web", 5, 6, web), List.of("slipway-shop-default-r1"), SwarmFiles.Mounts.NONE)));

        assertThat(json.path("Name").asText()).isEqualTo("slipway-shop-web-5-r1");
        assertThat(json.path("Labels").path("io.slipway.app").asText()).isEqualTo("shop");
        assertThat(json.path("Labels").path("io.slipway.revision").asText()).isEqualTo("5");
        assertThat(json.path("Mode").path("Replicated").path("Replicas").asInt()).isEqualTo(6);
        JsonNode task = json.path("TaskTemplate");
        JsonNode container = task.path("ContainerSpec");
        assertThat(container.path("Labels").path("io.slipway.runner").asText()).isEqualTo("r1");
        assertThat(container.path("Labels").path("team").asText()).isEqualTo("shop");
        assertThat(container.path("Args").toString()).isEqualTo("[\"httpd\",\"-f\"]");
        assertThat(container.path("Command").isMissingNode() || container.path("Command").isNull()).isTrue();
        assertThat(container.path("StopGracePeriod").asLong()).isEqualTo(2_000_000_000L);
        assertThat(container.path("Healthcheck").path("Test").toString()).isEqualTo("[\"CMD\",\"true\"]");
        assertThat(task.path("Placement").path("Constraints").toString()).isEqualTo("[\"node.labels.zone == b\"]");
        assertThat(task.path("Placement").path("Preferences").toString())
                .isEqualTo("[{\"Spread\":{\"SpreadDescriptor\":\"node.labels.zone\"}}]");
        assertThat(task.path("Resources").path("Limits").path("MemoryBytes").asLong()).isEqualTo(64L << 20);
        assertThat(task.path("Resources").path("Reservations").path("MemoryBytes").asLong()).isEqualTo(16L << 20);
        JsonNode gpu = task.path("Resources").path("Reservations").path("GenericResources").get(0)
                .path("DiscreteResourceSpec");
        assertThat(gpu.path("Kind").asText()).isEqualTo("NVIDIA-GPU");
        assertThat(gpu.path("Value").asLong()).isEqualTo(1);
        assertThat(task.path("RestartPolicy").path("Condition").asText()).isEqualTo("on-failure");
        assertThat(task.path("RestartPolicy").path("MaxAttempts").asLong()).isEqualTo(3);
        assertThat(task.path("Networks").get(0).path("Target").asText()).isEqualTo("slipway-shop-default-r1");
        assertThat(task.path("Networks").get(0).path("Aliases").toString()).isEqualTo("[\"web\"]");
        assertThat(json.path("EndpointSpec").path("Mode").asText()).isEqualTo("dnsrr");
        JsonNode port = json.path("EndpointSpec").path("Ports").get(0);
        assertThat(port.path("TargetPort").asInt()).isEqualTo(8080);
        assertThat(port.path("PublishMode").asText()).isEqualTo("host");
        assertThat(port.path("PublishedPort").asInt()).isZero();
    }

    @Test
    void secretsAndConfigsAreMountedByIdAndNameWithTheirTargetOwnerAndMode() throws Exception {
        ServiceSpec web = new ComposeParser().parse("""
                services:
                  web:
                    image: 127.0.0.1:5000/web:1
                    secrets: [{source: api_key, target: /etc/api.key, uid: "1000", gid: "1001", mode: 0400}]
                    configs: [{source: motd, target: /etc/motd}]
                secrets:
                  api_key: {file: ./api.key}
                configs:
                  motd: {content: "hello"}
                """, Map.of(), new FileInputs(Map.of("api_key", "hmac-sha256:aa"), Map.of(), Map.of())).spec().services().get("web");
        SwarmFiles files = new SwarmFiles("r1", null, null);
        FileMount key = web.files().stream().filter(f -> f.kind() == FileMount.Kind.SECRET).findFirst().orElseThrow();
        FileMount motd = web.files().stream().filter(f -> f.kind() == FileMount.Kind.CONFIG).findFirst().orElseThrow();
        SwarmFiles.Mounts mounts = new SwarmFiles.Mounts(
                List.of(new ContainerSpecSecret().withSecretId("s1").withSecretName(files.name("shop", key))
                        .withFile(new ContainerSpecFile().withName("/etc/api.key").withUid("1000").withGid("1001").withMode(0400L))),
                List.of(new ContainerSpecConfig().withConfigID("c1").withConfigName(files.name("shop", motd))
                        .withFile(new ContainerSpecFile().withName("/etc/motd").withUid("0").withGid("0").withMode(0444L))));
        JsonNode container = DOCKER_JAVA.readTree(DOCKER_JAVA.writeValueAsString(SwarmServiceSpecs.of("r1",
                new ReplicaSetSpec("shop", "web", 1, 1, web), List.of(), mounts))).path("TaskTemplate").path("ContainerSpec");

        JsonNode secret = container.path("Secrets").get(0);
        assertThat(secret.path("SecretID").asText()).isEqualTo("s1");
        assertThat(secret.path("SecretName").asText()).startsWith("slipway-shop-api_key-").hasSizeLessThanOrEqualTo(64);
        assertThat(secret.path("File").path("Name").asText()).isEqualTo("/etc/api.key");
        assertThat(secret.path("File").path("UID").asText()).isEqualTo("1000");
        assertThat(secret.path("File").path("Mode").asLong()).isEqualTo(0400);
        assertThat(container.path("Configs").get(0).path("ConfigID").asText()).isEqualTo("c1");
        assertThat(container.path("Configs").get(0).path("File").path("Name").asText()).isEqualTo("/etc/motd");
    }

    @Test
    void aSecretsSwarmNameChangesWithItsValueAndSaysNothingOfIt() {
        SwarmFiles files = new SwarmFiles("r1", null, null);
        FileMount v1 = new FileMount(FileMount.Kind.SECRET, "db_password", "/run/secrets/db_password", 0, 0, 0444,
                "digest-of-value-1", null);
        FileMount v2 = new FileMount(FileMount.Kind.SECRET, "db_password", "/run/secrets/db_password", 0, 0, 0444,
                "digest-of-value-2", null);
        assertThat(files.name("shop", v1)).startsWith("slipway-shop-db_password-").isNotEqualTo(files.name("shop", v2));
        assertThat(files.name("shop", v1)).isEqualTo(new SwarmFiles("r1", null, null).name("shop", v1));
        assertThat(new SwarmFiles("r2", null, null).name("shop", v1)).isNotEqualTo(files.name("shop", v1));
        String longApp = "an-application-with-a-name-long-enough-to-need-shortening-for-swarm";
        assertThat(files.name(longApp, v1)).hasSizeLessThanOrEqualTo(64);
    }

    @Test
    void longNamesAreShortenedToADnsLabelThatStaysDistinct() {
        String a = SwarmServiceSpecs.name("0123456789ab", "a-rather-long-application-name", "frontend-web", 12);
        String b = SwarmServiceSpecs.name("0123456789ab", "a-rather-long-application-name", "frontend-web", 13);
        assertThat(a).hasSizeLessThanOrEqualTo(63).startsWith("slipway-a-rather-long");
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void whatTasksWouldStartWithoutIsRefusedNamingIt() throws Exception {
        io.jenkins.plugins.slipway.runner.compose.AppSpec spec = new ComposeParser().parse("""
                services:
                  web:
                    image: web:1
                    configs: [site]
                    tmpfs: [/cache]
                  db:
                    image: db:1
                    volumes: ["data:/var/lib/db"]
                  plain:
                    image: plain:1
                volumes:
                  data: {}
                configs:
                  site: {content: "listen 80"}
                """, Map.of()).spec();

        assertThat(SwarmServiceSpecs.refusals(spec)).extracting(p -> p.path())
                .as("configs are Swarm configs, not refused").containsExactlyInAnyOrder("volumes.data",
                        "services.web.volumes", "services.db.volumes");
        assertThat(SwarmServiceSpecs.refusals(spec)).allSatisfy(p -> assertThat(p.message()).contains("--engine swarm")
                .doesNotContain("listen 80"));
    }
}
