package io.jenkins.plugins.slipway.runner.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AppModelTest {
    private final ComposeParser parser = new ComposeParser(Set.of("rolling", "canary", "blueGreen"));

    private static final String SHOP = """
            services:
              web:
                image: web
                ports: ["8081:8080"]
                depends_on: [api]
                networks: [front]
              api:
                image: api
                container_name: api-main
                expose: ["9000", "9100-9101/udp"]
                networks:
                  front: {aliases: [backend]}
                  back: {}
                depends_on:
                  db: {condition: service_healthy, restart: false}
                restart: on-failure:3
                read_only: true
                tmpfs: ["/tmp:size=64m"]
              db:
                image: db
                volumes: ["data:/var/lib/db", "/cache", {type: volume, source: seed, target: /seed, read_only: true}]
                networks: [back]
                user: "999:999"
                ulimits: {nofile: {soft: 1024, hard: 2048}, nproc: 64}
                logging: {driver: json-file, options: {max-size: 1m}}
            networks:
              front: {}
              back: {internal: true, driver_opts: {com.docker.network.bridge.enable_icc: "true"}}
            volumes:
              data: {}
              seed: {external: true, name: shared-seed}
            """;

    @Test
    void readsNetworksVolumesAndOrder() throws Exception {
        ParsedCompose parsed = parser.parse(SHOP, Map.of());
        AppSpec app = parsed.spec();
        assertThat(app.resources().networks()).containsOnlyKeys("front", "back");
        assertThat(app.resources().networks().get("back").internal()).isTrue();
        assertThat(app.resources().volumes().get("seed")).isEqualTo(
                new AppResources.Volume(null, Map.of(), true, "shared-seed", Map.of()));
        ServiceWiring api = app.services().get("api").wiring();
        assertThat(api.networks()).containsEntry("front", List.of("backend", "api-main"))
                .containsEntry("back", List.of("api-main"));
        assertThat(api.expose()).containsExactly(9000, 9100, 9101);
        assertThat(api.readOnly()).isTrue();
        assertThat(api.mounts()).containsExactly(new ServiceWiring.Mount(ServiceWiring.Mount.Type.TMPFS, null, "/tmp",
                false, 64L << 20));
        assertThat(api.dependsOn()).containsEntry("db", new ServiceWiring.Dependency(
                ServiceWiring.Dependency.Condition.SERVICE_HEALTHY, true, false));
        assertThat(app.services().get("api").restartPolicy().condition())
                .isEqualTo(ServiceSpec.RestartPolicy.Condition.ON_FAILURE);
        assertThat(app.services().get("api").restartPolicy().maxAttempts()).isEqualTo(3);
        assertThat(app.services().get("web").wiring().published()).containsExactly(
                new ServiceWiring.PublishedPort(null, 8081, 8080, "tcp"));
        assertThat(app.services().get("db").settings().ulimits()).containsEntry("nproc",
                new ContainerSettings.Ulimit(64, 64));
        assertThat(StartOrder.of(app.services(), app.services().keySet())).containsExactly("db", "api", "web");
        assertThat(parsed.warnings()).containsExactly("services.api.container_name: kept as a name the service"
                + " answers to on its networks; its containers keep the runner's names (one per replica and revision)");
    }

    @Test
    void aServiceWritingANamedVolumeIsReleasedStopFirstAndNeverByCanary() throws Exception {
        ServiceSpec db = parser.parse(SHOP, Map.of()).spec().services().get("db");
        assertThat(db.updateConfig().order()).isEqualTo(ServiceSpec.UpdateConfig.Order.STOP_FIRST);
        assertThat(RevisionOverlap.rule(db)).isEqualTo("db: stop-first, one revision at a time, because it writes to"
                + " named volume data (x-slipway.sharedVolumes is not true)");
        String canary = """
                services:
                  db:
                    image: db
                    volumes: [data:/data]
                    x-slipway:
                      route: {port: 8000, targetPort: 80}
                      release: {strategy: canary, steps: [{setWeight: 10}]}
                volumes: {data: {}}
                """;
        assertThatThrownBy(() -> parser.parse(canary, Map.of()))
                .isInstanceOfSatisfying(ComposeException.class, e -> assertThat(e.problems()).singleElement()
                        .satisfies(p -> {
                            assertThat(p.path()).isEqualTo("services.db.x-slipway.release.strategy");
                            assertThat(p.message()).startsWith("canary refused: it runs two revisions at once, and it"
                                    + " writes to named volume data");
                        }));
        ServiceSpec shared = parser.parse(canary.replace("x-slipway:\n", "x-slipway:\n      sharedVolumes: true\n"),
                Map.of()).spec().services().get("db");
        assertThat(shared.updateConfig().order()).isEqualTo(ServiceSpec.UpdateConfig.Order.START_FIRST);
    }

    @Test
    void aCycleIsRefusedByName() {
        assertThatThrownBy(() -> parser.parse("""
                services:
                  a: {image: x, depends_on: [b]}
                  b: {image: x, depends_on: {c: {condition: service_started}}}
                  c: {image: x, depends_on: [a]}
                """, Map.of()))
                .isInstanceOfSatisfying(ComposeException.class, e -> assertThat(e.problems())
                        .extracting(p -> p.path() + ": " + p.message())
                        .containsExactly("services.a.depends_on: depends_on forms a cycle: a -> b -> c -> a"));
    }

    @Test
    void everyDependencyConditionAndRestartAreRead() throws Exception {
        AppSpec spec = parser.parse("""
                services:
                  a: {image: x, depends_on: {b: {condition: service_completed_successfully}, c: {restart: true}}}
                  b: {image: x}
                  c: {image: x}
                """, Map.of()).spec();

        assertThat(spec.services().get("a").wiring().dependsOn().get("b").condition())
                .isEqualTo(ServiceWiring.Dependency.Condition.SERVICE_COMPLETED_SUCCESSFULLY);
        assertThat(spec.services().get("a").wiring().dependsOn().get("c").restart()).isTrue();
        assertThat(spec.services().get("b").oneShot().when()).isEqualTo(OneShot.When.BEFORE_DEPENDANTS);
    }

    @Test
    void namesThatPointNowhereAreRefused() {
        assertThatThrownBy(() -> parser.parse("""
                services:
                  a:
                    image: x
                    networks: [nowhere]
                    volumes: ["missing:/data"]
                    depends_on: [ghost]
                """, Map.of()))
                .isInstanceOfSatisfying(ComposeException.class, e -> assertThat(e.problems())
                        .extracting(p -> p.path()).containsExactlyInAnyOrder("services.a.networks.nowhere",
                                "services.a.volumes", "services.a.depends_on.ghost"));
    }

    @Test
    void bindMountsAndPrivilegedKeysNeedTheRunnersPermission() throws Exception {
        AppSpec spec = parser.parse("""
                services:
                  a:
                    image: x
                    volumes: ["/:/host"]
                    privileged: true
                    cap_add: [NET_ADMIN]
                    sysctls: {net.core.somaxconn: "1024", kernel.msgmax: "65536"}
                    network_mode: host
                """, Map.of()).spec();
        assertThat(HostAccess.DEFAULT.check(spec)).extracting(p -> p.path()).containsExactly("services.a.volumes",
                "services.a.privileged", "services.a.cap_add", "services.a.sysctls", "services.a.network_mode");
        assertThat(HostAccess.DEFAULT.check(spec).get(0).message()).contains("serve --allow-bind-mounts");
        assertThat(HostAccess.DEFAULT.check(spec).get(1).message()).contains("serve --allow-privileged");
        assertThat(new HostAccess(List.of(Path.of("/")), true, "127.0.0.1").check(spec)).isEmpty();
        assertThat(new HostAccess(List.of(Path.of("/srv")), true, "127.0.0.1").check(spec))
                .extracting(p -> p.path()).containsExactly("services.a.volumes");
    }

    @Test
    void thePlanNamesEveryKeyHonouredOrIgnored() throws Exception {
        String yaml = "version: '3'\n" + SHOP;
        AppPlan plan = AppPlan.of("shop", yaml, parser.parse(yaml, Map.of()));
        assertThat(plan.startOrder()).containsExactly("db", "api", "web");
        assertThat(plan.ignored()).anyMatch(w -> w.startsWith("version:"));
        assertThat(plan.honoured()).contains("services", "networks", "volumes", "services.api.depends_on",
                "services.db.volumes").doesNotContain("version", "services.api.container_name");
        assertThat(plan.services()).filteredOn(s -> s.name().equals("db")).singleElement()
                .satisfies(s -> assertThat(s.mounts()).containsExactly("volume data at /var/lib/db",
                        "anonymous volume at /cache", "volume seed at /seed (read-only)"));
    }
}
