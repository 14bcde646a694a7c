package io.jenkins.plugins.slipway.runner.engine.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.core.DockerClientConfig;
import io.jenkins.plugins.slipway.runner.compose.ComposeParser;
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
                new ReplicaSetSpec("shop", "web", 5, 6, web), List.of("slipway-shop-default-r1"))));

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
                .containsExactlyInAnyOrder("volumes.data", "services.web.configs", "services.web.volumes",
                        "services.db.volumes");
        assertThat(SwarmServiceSpecs.refusals(spec)).allSatisfy(p -> assertThat(p.message()).contains("--engine swarm")
                .doesNotContain("listen 80"));
    }
}
