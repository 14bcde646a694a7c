package io.jenkins.plugins.slipway.runner.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.release.spec.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ComposeParserTest {
    private final ComposeParser parser = new ComposeParser();
    private static final ComposeParser GRAY = new ComposeParser(java.util.Set.of("rolling", "canary", "blueGreen"));

    private static final String FULL = """
            services:
              web:
                image: 127.0.0.1:5000/shop:1
                command: ["httpd", "-f"]
                entrypoint: /bin/busybox
                environment:
                  MODE: prod
                  EMPTY:
                ports: ["9090", "127.0.0.1::9091", {target: 9092}]
                labels: {team: shop}
                healthcheck:
                  test: ["CMD", "wget", "-q", "http://127.0.0.1:8080/health"]
                  interval: 2s
                  timeout: 500ms
                  retries: 4
                  start_period: 1m30s
                stop_grace_period: 3s
                deploy:
                  replicas: 3
                  resources: {limits: {memory: 256m, cpus: "0.5"}}
                  restart_policy: {condition: on-failure, delay: 2s, max_attempts: 5}
                  update_config: {parallelism: 2, delay: 1s, order: stop-first, failure_action: continue, monitor: 20s}
                x-slipway:
                  route: {port: 8000, targetPort: 8080}
                  release: {strategy: rolling}
            """;

    @Test
    void readsTheWholeSupportedSubset() throws Exception {
        ParsedCompose parsed = parser.parse(FULL, Map.of());
        assertThat(parsed.warnings()).isEmpty();
        ServiceSpec web = parsed.spec().services().get("web");
        assertThat(web.image()).isEqualTo("127.0.0.1:5000/shop:1");
        assertThat(web.command()).containsExactly("httpd", "-f");
        assertThat(web.entrypoint()).containsExactly("/bin/busybox");
        assertThat(web.environment()).containsEntry("MODE", "prod").containsEntry("EMPTY", "");
        assertThat(web.ports()).containsExactly(9090, 9091, 9092, 8080);
        assertThat(web.labels()).containsEntry("team", "shop");
        assertThat(web.healthcheck().test()).containsExactly("CMD", "wget", "-q", "http://127.0.0.1:8080/health");
        assertThat(web.healthcheck().interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(web.healthcheck().timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(web.healthcheck().retries()).isEqualTo(4);
        assertThat(web.healthcheck().startPeriod()).isEqualTo(Duration.ofSeconds(90));
        assertThat(web.stopGrace()).isEqualTo(Duration.ofSeconds(3));
        assertThat(web.replicas()).isEqualTo(3);
        assertThat(web.memoryBytes()).isEqualTo(256L << 20);
        assertThat(web.nanoCpus()).isEqualTo(500_000_000L);
        assertThat(web.restartPolicy()).isEqualTo(new ServiceSpec.RestartPolicy(
                ServiceSpec.RestartPolicy.Condition.ON_FAILURE, Duration.ofSeconds(2), 5, Duration.ZERO));
        assertThat(web.updateConfig()).isEqualTo(new ServiceSpec.UpdateConfig(2, Duration.ofSeconds(1),
                ServiceSpec.UpdateConfig.Order.STOP_FIRST, ServiceSpec.UpdateConfig.FailureAction.CONTINUE,
                Duration.ofSeconds(20)));
        assertThat(web.route()).isEqualTo(new ServiceSpec.Route(8000, 8080));
        assertThat(web.release().strategy()).isEqualTo("rolling");
    }

    @Test
    void parallelismZeroMeansEveryReplicaAtOnceAndNoneMeansAQuarter() throws Exception {
        ServiceSpec all = parser.parse("services: {web: {image: a, deploy: {replicas: 8, update_config: {parallelism: 0}}}}",
                Map.of()).spec().services().get("web");
        assertThat(all.updateConfig().batch(8)).isEqualTo(8);
        ServiceSpec quarter = parser.parse("services: {web: {image: a, deploy: {replicas: 8}}}", Map.of())
                .spec().services().get("web");
        assertThat(quarter.updateConfig().batch(8)).isEqualTo(2);
        // The form hashed for an unchanged deploy is the one of the old default, parallelism 1.
        assertThat(quarter.updateConfig().toString()).startsWith("UpdateConfig[parallelism=1, delay=PT0S, order=START_FIRST");
    }

    @Test
    void imagesOverrideTheFile() throws Exception {
        ParsedCompose parsed = parser.parse("services: {web: {image: a}}", Map.of("web", "b@sha256:1"));
        assertThat(parsed.spec().services().get("web").image()).isEqualTo("b@sha256:1");
        assertThat(parsed.spec().services().get("web").updateConfig()).isEqualTo(ServiceSpec.UpdateConfig.DEFAULT);
    }

    @Test
    void everyProblemIsReportedWithItsPath() {
        String yaml = """
                services:
                  web:
                    deploy:
                      replicas: three
                      restart_policy: {condition: sometimes}
                      update_config: {order: sideways, monitor: soon}
                    healthcheck: {test: 42}
                    ports: ["http"]
                    labels: {io.slipway.app: x}
                    x-slipway:
                      route: {port: 70000}
                """;
        assertThatThrownBy(() -> parser.parse(yaml, Map.of("api", "x")))
                .isInstanceOfSatisfying(ComposeException.class, e -> assertThat(e.problems()).extracting(
                        p -> p.path() + ": " + p.message()).containsExactlyInAnyOrder(
                        "services.web.image: is required (or pass images.web)",
                        "services.web.labels.io.slipway.app: the io.slipway. prefix is reserved for the runner",
                        "services.web.ports[0]: must be a container port like 8080, \"8080:80\" or {target: 80}, got \"http\"",
                        "services.web.healthcheck.test: must be a string or a list, got 42",
                        "services.web.deploy.replicas: must be a whole number >= 0, got \"three\"",
                        "services.web.deploy.restart_policy.condition: must be one of none, on-failure, any, got \"sometimes\"",
                        "services.web.deploy.update_config.order: must be start-first or stop-first, got \"sideways\"",
                        "services.web.deploy.update_config.monitor: must be a duration like 10s, 1m30s or 500ms, got \"soon\"",
                        "services.web.x-slipway.route.port: must be a port number 1-65535, got 70000",
                        "services.web.x-slipway.route.targetPort: is required",
                        "images.api: names no service of the Compose file"));
    }

    @Test
    void keysThatChangeNothingAreWarningsAndAnyOtherUnknownKeyIsRefused() throws Exception {
        ParsedCompose parsed = parser.parse("""
                version: "3.9"
                x-common: {anything: 1}
                services:
                  web:
                    image: x
                    platform: linux/amd64
                    deploy: {placement: {}}
                    x-slipway: {}
                """, Map.of());
        assertThat(parsed.warnings()).containsExactly(
                "version: ignored: obsolete in the Compose specification",
                "services.web.platform: ignored: the engine runs the image's platform for its own architecture");
        assertThatThrownBy(() -> parser.parse("""
                services:
                  web:
                    image: x
                    mem_limit: 1g
                    frobnicate: true
                    deploy: {mode: global}
                    x-slipway: {colour: blue}
                """, Map.of()))
                .isInstanceOfSatisfying(ComposeException.class, e -> assertThat(e.problems())
                        .extracting(p -> p.path() + ": " + p.message()).containsExactlyInAnyOrder(
                                "services.web.mem_limit: is not supported by the runner: use deploy.resources.limits.memory",
                                "services.web.frobnicate: is not supported by the runner",
                                "services.web.deploy.mode: only replicated is supported (set deploy.replicas), got \"global\"",
                                "services.web.x-slipway.colour: is not supported by the runner"));
    }

    @Test
    void routePortsMustDiffer() {
        assertThatThrownBy(() -> parser.parse("""
                services:
                  a: {image: x, x-slipway: {route: {port: 8000, targetPort: 80}}}
                  b: {image: x, x-slipway: {route: {port: 8000, targetPort: 80}}}
                """, Map.of())).isInstanceOfSatisfying(ComposeException.class, e -> assertThat(e.problems())
                .containsExactly(new ApiError.Problem("services.b.x-slipway.route.port",
                        "port 8000 is already the route of service a")));
    }

    @Test
    void notYamlSaysWhere() {
        assertThatThrownBy(() -> parser.parse("services: [\n  web: {", Map.of()))
                .isInstanceOfSatisfying(ComposeException.class, e -> assertThat(e.problems().get(0).message())
                        .startsWith("is not valid YAML at line"));
    }

    @Test
    void emptyServicesIsAnError() {
        assertThatThrownBy(() -> parser.parse("services: {}", Map.of()))
                .isInstanceOfSatisfying(ComposeException.class, e -> assertThat(e.problems())
                        .containsExactly(new ApiError.Problem("services", "must be a mapping with at least one service")));
    }

    @Test
    void canaryIsAcceptedWhereTheRunnerHasItAndWithoutARouteWarned() throws Exception {
        assertThatThrownBy(() -> parser.parse("""
                services:
                  web:
                    image: x
                    x-slipway: {release: {strategy: canary, steps: [{setWeight: 20}]}}
                """, Map.of())).isInstanceOfSatisfying(ComposeException.class, e -> assertThat(e.problems())
                .extracting(ApiError.Problem::path).containsExactly("services.web.x-slipway.release.strategy"));
        ParsedCompose parsed = GRAY.parse("""
                services:
                  web:
                    image: x
                    x-slipway: {release: {strategy: canary, steps: [{setWeight: 20}]}}
                """, Map.of());
        assertThat(parsed.spec().services().get("web").release().strategy()).isEqualTo("canary");
        assertThat(parsed.warnings()).anyMatch(w -> w.contains("services.web.x-slipway.release")
                && w.contains("without x-slipway.route"));
    }

    @Test
    void previewPortMustNotBeARoutePort() {
        assertThatThrownBy(() -> GRAY.parse("""
                services:
                  web:
                    image: x
                    x-slipway:
                      route: {port: 8080, targetPort: 80}
                      release: {strategy: blueGreen, previewPort: 8081}
                  api:
                    image: y
                    x-slipway:
                      route: {port: 8081, targetPort: 80}
                """, Map.of())).isInstanceOfSatisfying(ComposeException.class, e -> assertThat(e.problems())
                .extracting(ApiError.Problem::path).containsExactly("services.web.x-slipway.release.previewPort"));
    }

    @Test
    void routeProbesGetSlashWithinFiveSecondsByDefault() throws Exception {
        ServiceSpec.Route route = parser.parse(routed(""), Map.of()).spec().services().get("web").route();
        assertThat(route).isEqualTo(new ServiceSpec.Route(8000, 8080, "/", Duration.ofSeconds(5)));
        // Deployer hashes the spec's text: a route with the default probe must read as it did before the probe keys.
        assertThat(route).hasToString("Route[port=8000, targetPort=8080]");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "healthPath: /healthz                   | /healthz            | 5000",
            "healthPath: \"/ready?deep=1&x=%20\"     | /ready?deep=1&x=%20 | 5000",
            "healthTimeout: 250ms                    | /                   | 250",
            "healthTimeout: 10s                      | /                   | 10000",
            "healthTimeout: 3                        | /                   | 3000",
            "healthPath: /up, healthTimeout: 1.5s    | /up                 | 1500"})
    void routeProbePathAndTimeoutAreRead(String keys, String path, long timeoutMillis) throws Exception {
        ServiceSpec.Route route = parser.parse(routed(keys), Map.of()).spec().services().get("web").route();
        assertThat(route).isEqualTo(new ServiceSpec.Route(8000, 8080, path, Duration.ofMillis(timeoutMillis)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "healthPath: healthz       | healthPath    | must be a path starting with /, like /healthz, got \"healthz\"",
            "healthPath: ''            | healthPath    | must be a path starting with /, like /healthz, got \"\"",
            "healthPath: 42            | healthPath    | must be a path starting with /, like /healthz, got 42",
            "healthPath: [/a]          | healthPath    | must be a path starting with /, like /healthz, got a list",
            "healthPath: /a b          | healthPath    | must be a valid URL path (percent-encode spaces and other special characters), got \"/a b\"",
            "healthPath: /a#top        | healthPath    | must not have a #fragment (it is never sent), got \"/a#top\"",
            "healthTimeout: 0s         | healthTimeout | must be a duration > 0 and at most 10s, got \"0s\"",
            "healthTimeout: 0          | healthTimeout | must be a duration > 0 and at most 10s, got 0",
            "healthTimeout: -1         | healthTimeout | must be a duration > 0 and at most 10s, got -1",
            "healthTimeout: 11s        | healthTimeout | must be a duration > 0 and at most 10s, got \"11s\"",
            "healthTimeout: 1m         | healthTimeout | must be a duration > 0 and at most 10s, got \"1m\"",
            "healthTimeout: soon       | healthTimeout | must be a duration like 10s, 1m30s or 500ms, got \"soon\""})
    void routeProbePathAndTimeoutAreChecked(String keys, String field, String message) {
        assertThatThrownBy(() -> parser.parse(routed(keys), Map.of()))
                .isInstanceOfSatisfying(ComposeException.class, e -> assertThat(e.problems())
                        .containsExactly(new ApiError.Problem("services.web.x-slipway.route." + field, message)));
    }

    /** A routed service whose route mapping also holds {@code keys} (flow style, comma-separated). */
    private static String routed(String keys) {
        return "services:\n  web:\n    image: x\n    x-slipway:\n      route: {port: 8000, targetPort: 8080"
                + (keys.isEmpty() ? "" : ", " + keys) + "}\n";
    }

    @ParameterizedTest
    @CsvSource({"10s,10000", "1m30s,90000", "500ms,500", "1h,3600000", "1.5s,1500"})
    void durations(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void badDurationsAndSizes() {
        assertThatThrownBy(() -> Durations.parse("10 parsecs")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durations.parse("s10")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Sizes.parseBytes("1g")).isEqualTo(1L << 30);
        assertThat(Sizes.parseBytes("512mb")).isEqualTo(512L << 20);
        assertThat(Sizes.parseBytes("lots")).isEqualTo(-1);
        assertThat(List.of(Durations.human(Duration.ofMillis(420)), Durations.human(Duration.ofMillis(12500))))
                .containsExactly("420 ms", "12.5 s");
    }
}
