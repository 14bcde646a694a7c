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
    void namedAndAnonymousVolumesAndTmpfsAreMountsAndAPinnedServiceGetsANodeIdConstraint() throws Exception {
        io.jenkins.plugins.slipway.runner.compose.AppSpec spec = new ComposeParser().parse("""
                services:
                  db:
                    image: db:1
                    volumes: ["data:/var/lib/db", "seed:/seed:ro", "/scratch", "nfs:/shared"]
                    tmpfs: ["/run/db:size=64m"]
                    deploy:
                      placement: {constraints: ["node.role == worker"]}
                volumes:
                  data:
                    driver: local
                    driver_opts: {type: tmpfs, device: tmpfs}
                    labels: {backup: nightly}
                  seed: {}
                  nfs: {external: true, name: cluster-nfs}
                """, Map.of()).spec();
        ServiceSpec db = spec.services().get("db");
        SwarmVolumes.Placed placed = new SwarmVolumes.Placed(
                SwarmVolumes.mounts("r1", "shop", db, spec.resources()), "node-7");
        JsonNode task = DOCKER_JAVA.readTree(DOCKER_JAVA.writeValueAsString(SwarmServiceSpecs.of("r1",
                new ReplicaSetSpec("shop", "db", 2, 1, db), List.of(), SwarmFiles.Mounts.NONE, placed)))
                .path("TaskTemplate");
        JsonNode mounts = task.path("ContainerSpec").path("Mounts");

        assertThat(mounts).hasSize(5);
        JsonNode data = mounts.get(0);
        assertThat(data.path("Type").asText()).isEqualTo("volume");
        assertThat(data.path("Source").asText()).as("the name the Docker engine gives it").isEqualTo("slipway-shop-data-r1");
        assertThat(data.path("Target").asText()).isEqualTo("/var/lib/db");
        assertThat(data.path("ReadOnly").asBoolean()).isFalse();
        assertThat(data.path("VolumeOptions").path("DriverConfig").path("Name").asText()).isEqualTo("local");
        assertThat(data.path("VolumeOptions").path("DriverConfig").path("Options").path("type").asText()).isEqualTo("tmpfs");
        JsonNode labels = data.path("VolumeOptions").path("Labels");
        assertThat(labels.path("backup").asText()).isEqualTo("nightly");
        assertThat(labels.path("io.slipway.runner").asText()).isEqualTo("r1");
        assertThat(labels.path("io.slipway.app").asText()).isEqualTo("shop");
        assertThat(labels.path("io.slipway.volume").asText()).isEqualTo("data");
        JsonNode seed = mounts.get(1);
        assertThat(seed.path("Source").asText()).isEqualTo("slipway-shop-seed-r1");
        assertThat(seed.path("ReadOnly").asBoolean()).isTrue();
        assertThat(seed.path("VolumeOptions").path("DriverConfig").isMissingNode()
                || seed.path("VolumeOptions").path("DriverConfig").isNull()).as("the node's default driver").isTrue();
        JsonNode anonymous = mounts.get(2);
        assertThat(anonymous.path("Type").asText()).isEqualTo("volume");
        assertThat(anonymous.path("Source").isMissingNode() || anonymous.path("Source").isNull()).isTrue();
        assertThat(anonymous.path("Target").asText()).isEqualTo("/scratch");
        JsonNode nfs = mounts.get(3);
        assertThat(nfs.path("Source").asText()).isEqualTo("cluster-nfs");
        assertThat(nfs.path("VolumeOptions").isMissingNode() || nfs.path("VolumeOptions").isNull())
                .as("an external volume is used as it is, never made").isTrue();
        JsonNode tmpfs = mounts.get(4);
        assertThat(tmpfs.path("Type").asText()).isEqualTo("tmpfs");
        assertThat(tmpfs.path("Target").asText()).isEqualTo("/run/db");
        assertThat(tmpfs.path("TmpfsOptions").path("SizeBytes").asLong()).isEqualTo(64L << 20);
        assertThat(task.path("Placement").path("Constraints").toString())
                .isEqualTo("[\"node.role == worker\",\"node.id == node-7\"]");
    }

    @Test
    void aSetWithoutVolumesIsPinnedNowhere() throws Exception {
        ServiceSpec web = new ComposeParser().parse("services: {web: {image: web:1}}", Map.of()).spec().services().get("web");
        JsonNode task = DOCKER_JAVA.readTree(DOCKER_JAVA.writeValueAsString(SwarmServiceSpecs.of("r1",
                new ReplicaSetSpec("shop", "web", 1, 2, web), List.of(), SwarmFiles.Mounts.NONE))).path("TaskTemplate");
        assertThat(task.path("ContainerSpec").path("Mounts").isMissingNode()
                || task.path("ContainerSpec").path("Mounts").isNull()).isTrue();
        assertThat(task.path("Placement").path("Constraints").toString()).isIn("[]", "");
    }

    @Test
    void hostPathsAreRefusedNamingServiceAndPathAndNothingElseIs() throws Exception {
        io.jenkins.plugins.slipway.runner.compose.AppSpec spec = new ComposeParser().parse("""
                services:
                  web:
                    image: web:1
                    configs: [site]
                    tmpfs: [/cache]
                    volumes: ["/srv/site:/site:ro"]
                  db:
                    image: db:1
                    volumes: ["data:/var/lib/db", "/scratch"]
                  plain:
                    image: plain:1
                volumes:
                  data: {}
                configs:
                  site: {content: "listen 80"}
                """, Map.of()).spec();

        assertThat(SwarmServiceSpecs.refusals(spec)).extracting(p -> p.path() + ": " + p.message()).containsExactly(
                "services.web.volumes: host path /srv/site at /site: --engine swarm does not mount host paths (the"
                        + " path would have to exist, with the same content, on every node a task may run on); use a"
                        + " named volume, or deploy it with --engine docker");
    }
    @Test
    void containerSettingsAreOnTheTaskAsTheDockerCliSendsThem() throws Exception {
        ServiceSpec web = new ComposeParser().parse("""
                services:
                  web:
                    image: web:1
                    user: "1000:1001"
                    working_dir: /srv
                    hostname: web-host
                    extra_hosts: ["db.local:10.0.0.5", "v6.local:fd00::1"]
                    dns: [10.0.0.53]
                    dns_search: [shop.internal]
                    init: true
                    stop_signal: SIGINT
                    read_only: true
                    cap_add: [net_admin]
                    cap_drop: [NET_RAW, CAP_MKNOD]
                    ulimits: {nofile: {soft: 1024, hard: 2048}, nproc: 64}
                    sysctls: {net.ipv4.tcp_keepalive_time: "600"}
                    logging: {driver: json-file, options: {max-size: 1m}}
                """, Map.of()).spec().services().get("web");
        JsonNode task = DOCKER_JAVA.readTree(DOCKER_JAVA.writeValueAsString(SwarmServiceSpecs.of("r1",
                new ReplicaSetSpec("shop", "web", 1, 1, web), List.of(), SwarmFiles.Mounts.NONE))).path("TaskTemplate");
        JsonNode c = task.path("ContainerSpec");

        assertThat(c.path("User").asText()).isEqualTo("1000:1001");
        assertThat(c.path("Dir").asText()).isEqualTo("/srv");
        assertThat(c.path("Hostname").asText()).isEqualTo("web-host");
        assertThat(c.path("Hosts").toString()).isEqualTo("[\"10.0.0.5 db.local\",\"fd00::1 v6.local\"]");
        assertThat(c.path("DNSConfig").path("Nameservers").toString()).isEqualTo("[\"10.0.0.53\"]");
        assertThat(c.path("DNSConfig").path("Search").toString()).isEqualTo("[\"shop.internal\"]");
        assertThat(c.path("Init").asBoolean()).isTrue();
        assertThat(c.path("StopSignal").asText()).isEqualTo("SIGINT");
        assertThat(c.path("ReadOnly").asBoolean()).isTrue();
        assertThat(c.path("CapabilityAdd").toString()).isEqualTo("[\"CAP_NET_ADMIN\"]");
        assertThat(c.path("CapabilityDrop").toString()).isEqualTo("[\"CAP_NET_RAW\",\"CAP_MKNOD\"]");
        assertThat(c.path("Ulimits").toString()).isEqualTo(
                "[{\"Name\":\"nofile\",\"Soft\":1024,\"Hard\":2048},{\"Name\":\"nproc\",\"Soft\":64,\"Hard\":64}]");
        assertThat(c.path("Sysctls").toString()).isEqualTo("{\"net.ipv4.tcp_keepalive_time\":\"600\"}");
        assertThat(task.path("LogDriver").path("Name").asText()).isEqualTo("json-file");
        assertThat(task.path("LogDriver").path("Options").path("max-size").asText()).isEqualTo("1m");
    }

    @Test
    void aServiceWithoutSettingsSendsNoneOfTheirFields() throws Exception {
        ServiceSpec web = new ComposeParser().parse("services: {web: {image: web:1}}", Map.of()).spec()
                .services().get("web");
        JsonNode c = DOCKER_JAVA.readTree(DOCKER_JAVA.writeValueAsString(SwarmServiceSpecs.of("r1",
                new ReplicaSetSpec("shop", "web", 1, 1, web), List.of(), SwarmFiles.Mounts.NONE)))
                .path("TaskTemplate").path("ContainerSpec");
        for (String field : List.of("User", "Dir", "Hostname", "Hosts", "DNSConfig", "Init", "StopSignal", "ReadOnly",
                "CapabilityAdd", "CapabilityDrop", "Ulimits", "Sysctls")) {
            assertThat(c.path(field).isMissingNode() || c.path(field).isNull()).as(field).isTrue();
        }
    }

    @Test
    void settingsATaskHasNoFieldForAreRefusedByPathAndNetworkModeBridgeIsNot() throws Exception {
        io.jenkins.plugins.slipway.runner.compose.AppSpec spec = new ComposeParser().parse("""
                services:
                  web:
                    image: web:1
                    privileged: true
                    devices: ["/dev/fuse:/dev/fuse"]
                    security_opt: ["no-new-privileges:true"]
                    pid: host
                    ipc: host
                    shm_size: 64m
                    domainname: shop.example
                    ports: ["9000:8080"]
                    deploy:
                      resources:
                        reservations:
                          devices: [{capabilities: [gpu], count: 1}]
                  host:
                    image: host:1
                    network_mode: host
                  plain:
                    image: plain:1
                    network_mode: bridge
                    ports: [8080]
                """, Map.of()).spec();

        assertThat(SwarmServiceSpecs.refusals(spec)).extracting(p -> p.path()).containsExactly(
                "services.web.privileged", "services.web.devices", "services.web.deploy.resources.reservations.devices",
                "services.web.security_opt", "services.web.pid", "services.web.ipc", "services.web.shm_size",
                "services.web.domainname", "services.web.ports", "services.host.network_mode");
        assertThat(SwarmServiceSpecs.refusals(spec)).extracting(p -> p.message())
                .allMatch(m -> m.contains("is refused by --engine swarm: "))
                .anyMatch(m -> m.startsWith("host port 9000 (to 8080)") && m.contains("x-slipway.route.port"))
                .anyMatch(m -> m.startsWith("network_mode: host") && m.contains("network_mode: bridge"));
        JsonNode task = DOCKER_JAVA.readTree(DOCKER_JAVA.writeValueAsString(SwarmServiceSpecs.of("r1",
                new ReplicaSetSpec("shop", "plain", 1, 1, spec.services().get("plain")), List.of(),
                SwarmFiles.Mounts.NONE))).path("TaskTemplate");
        assertThat(task.path("Networks").size()).as("network_mode: bridge joins no app network").isZero();
    }
}
