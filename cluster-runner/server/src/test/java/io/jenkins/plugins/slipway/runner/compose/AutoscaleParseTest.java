package io.jenkins.plugins.slipway.runner.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code x-slipway.autoscale} and its {@code aliyun.auto_scaling.*} aliases: what is read, what is refused. */
class AutoscaleParseTest {
    private final ComposeParser parser = new ComposeParser(Set.of("rolling", "canary", "blueGreen"));

    private static String web(String autoscale) {
        return web("", autoscale);
    }

    private static String web(String extra, String autoscale) {
        return """
                services:
                  web:
                    image: web:1
                %s
                    x-slipway:
                      route: {port: 8000, targetPort: 8080}
                %s
                """.formatted(extra, autoscale.isEmpty() ? "" : "      autoscale: " + autoscale);
    }

    private Autoscale policy(String yaml) throws ComposeException {
        return parser.parse(yaml, Map.of()).spec().services().get("web").autoscale();
    }

    private List<String> problems(String yaml) {
        try {
            parser.parse(yaml, Map.of());
        } catch (ComposeException e) {
            return e.problems().stream().map(p -> p.path() + ": " + p.message()).toList();
        }
        throw new AssertionError("accepted: " + yaml);
    }

    @Test
    void theDefaultsAreHpas() throws Exception {
        Autoscale a = policy(web("{min: 1, max: 5, requestsPerSecond: 50}"));

        assertThat(a.min()).isEqualTo(1);
        assertThat(a.max()).isEqualTo(5);
        assertThat(a.targets()).isEqualTo(Map.of(Autoscale.Target.REQUESTS_PER_SECOND, 50.0));
        assertThat(a.scaleUp()).isEqualTo(Autoscale.Behavior.UP);
        assertThat(a.scaleDown()).isEqualTo(Autoscale.Behavior.DOWN);
        assertThat(a.scaleDown().stabilizationWindow()).isEqualTo(Duration.ofSeconds(300));
    }

    @Test
    void behaviorsStepsAndSeveralTargetsAreRead() throws Exception {
        Autoscale a = policy(web("{min: 1, max: 10, requestsPerSecond: 50, inFlight: 4, scaleUp: {step: 2,"
                + " period: 5s}, scaleDown: {stabilizationWindow: 3s, step: \"50%\", period: 10s}}"));

        assertThat(a.targets()).containsEntry(Autoscale.Target.IN_FLIGHT, 4.0).hasSize(2);
        assertThat(a.scaleUp()).isEqualTo(new Autoscale.Behavior(Duration.ZERO, Autoscale.Step.replicas(2),
                Duration.ofSeconds(5)));
        assertThat(a.scaleDown()).isEqualTo(new Autoscale.Behavior(Duration.ofSeconds(3), Autoscale.Step.percent(50),
                Duration.ofSeconds(10)));
    }

    @Test
    void everyBadValueIsNamedWithItsPath() {
        assertThat(problems(web("{min: 4, max: 2, requestsPerSecond: -1, inFlight: abc, scaleUp: {period: 0s,"
                + " step: \"0%\", jump: 1}, scaleDown: {stabilizationWindow: 2h}}")))
                .containsExactlyInAnyOrder(
                        "services.web.x-slipway.autoscale.min: must be at most max (2), got 4",
                        "services.web.x-slipway.autoscale.requestsPerSecond: must be a number > 0 and at most 1000000"
                                + " (per replica), got -1",
                        "services.web.x-slipway.autoscale.inFlight: must be a number > 0 and at most 1000000"
                                + " (per replica), got \"abc\"",
                        "services.web.x-slipway.autoscale.scaleUp.period: must be a duration from 1s to 1800s, got"
                                + " \"0s\"",
                        "services.web.x-slipway.autoscale.scaleUp.step: must be a whole number of replicas (1-100) or"
                                + " a percent like \"50%\" (1-1000%), got \"0%\"",
                        "services.web.x-slipway.autoscale.scaleUp.jump: is not supported by the runner",
                        "services.web.x-slipway.autoscale.scaleDown.stabilizationWindow: must be a duration from 0s"
                                + " to 3600s, got \"2h\"");
    }

    @Test
    void maxAndATargetAreRequiredAndTheStartingCountIsWithinBounds() {
        assertThat(problems(web("    deploy: {replicas: 7}", "{min: 2}"))).containsExactlyInAnyOrder(
                "services.web.x-slipway.autoscale.max: is required: the most replicas the autoscaler may run",
                "services.web.x-slipway.autoscale: needs at least one target: requestsPerSecond, inFlight (per"
                        + " replica), cpuPercent or memoryPercent (of the limit)",
                "services.web.deploy.replicas: is the count the autoscaler starts from and must be within min..max"
                        + " (2..2), got 7");
    }

    private static final String LIMITS = "    deploy: {resources: {limits: {cpus: \"0.25\", memory: 64M}}}";

    @Test
    void cpuAndMemoryTargetsArePercentsOfTheLimits() throws Exception {
        Autoscale a = policy(web(LIMITS, "{min: 1, max: 3, cpuPercent: 50, memoryPercent: \"80\"}"));

        assertThat(a.targets()).isEqualTo(Map.of(Autoscale.Target.CPU_PERCENT, 50.0,
                Autoscale.Target.MEMORY_PERCENT, 80.0));
    }

    @Test
    void aCpuOrMemoryTargetWithoutItsLimitIsRefusedNamingTheServiceAndKey() {
        assertThat(problems(web("{min: 1, max: 3, cpuPercent: 70, memoryPercent: 80}")))
                .containsExactlyInAnyOrder(
                        "services.web.x-slipway.autoscale.cpuPercent: is a percent of the CPU limit, and service web"
                                + " has none: set services.web.deploy.resources.limits.cpus (e.g. \"0.5\")",
                        "services.web.x-slipway.autoscale.memoryPercent: is a percent of the memory limit, and"
                                + " service web has none: set services.web.deploy.resources.limits.memory (e.g. 256M)");
        assertThat(problems(web("    deploy: {resources: {limits: {memory: 64M}}}", "{max: 3, cpuPercent: 70,"
                + " memoryPercent: 80}"))).containsExactly("services.web.x-slipway.autoscale.cpuPercent: is a"
                + " percent of the CPU limit, and service web has none: set"
                + " services.web.deploy.resources.limits.cpus (e.g. \"0.5\")");
        assertThat(problems(web(LIMITS, "{max: 3, cpuPercent: 0}"))).containsExactly(
                "services.web.x-slipway.autoscale.cpuPercent: must be a number > 0 and at most 1000000 (per"
                        + " replica), got 0");
    }

    @Test
    void minZeroWithIdleAfterScalesToZero() throws Exception {
        Autoscale a = policy(web("{min: 0, max: 3, requestsPerSecond: 50, idleAfter: 5m}"));

        assertThat(a.min()).isZero();
        assertThat(a.floor()).as("the load never takes it below 1; idleness does").isEqualTo(1);
        assertThat(a.idleAfter()).isEqualTo(Duration.ofMinutes(5));
        assertThat(a.scalesToZero()).isTrue();
        assertThat(policy(web("{min: 1, max: 3, requestsPerSecond: 50}")).scalesToZero()).isFalse();
    }

    @Test
    void scaleToZeroNeedsBothMinZeroAndIdleAfterAndOneReplicaToReleaseWith() {
        assertThat(problems(web("{min: 0, max: 3, requestsPerSecond: 50}"))).containsExactly(
                "services.web.x-slipway.autoscale.min: 0 scales the service to zero, which needs idleAfter (how long"
                        + " without a request before its replicas stop), e.g. idleAfter: 5m");
        assertThat(problems(web("{min: 1, max: 3, requestsPerSecond: 50, idleAfter: 5m}"))).containsExactly(
                "services.web.x-slipway.autoscale.idleAfter: scales the service to zero after that long without a"
                        + " request, which needs min: 0; got min 1");
        assertThat(problems(web("{min: 0, max: 3, requestsPerSecond: 50, idleAfter: 500ms}"))).containsExactly(
                "services.web.x-slipway.autoscale.idleAfter: must be from 1s to 7d, got \"500ms\"");
        assertThat(problems(web("{min: 0, max: 3, requestsPerSecond: 50, idleAfter: soon}")))
                .anySatisfy(p -> assertThat(p).startsWith("services.web.x-slipway.autoscale.idleAfter: must be a"
                        + " duration"));
        assertThat(problems(web("    deploy: {replicas: 0}", "{min: 0, max: 3, requestsPerSecond: 50, idleAfter: 5m}")))
                .containsExactly("services.web.deploy.replicas: must be at least 1 with min: 0: a release starts the"
                        + " new revision with it, and the service goes to zero after idleAfter without a request");
    }

    @Test
    void anAutoscaledServiceTakesRoutedTrafficAndIsNoTask() {
        assertThat(problems("""
                services:
                  web:
                    image: web:1
                    x-slipway:
                      autoscale: {max: 3, requestsPerSecond: 10}
                  job:
                    image: web:1
                    x-slipway:
                      task: {when: beforeRelease}
                      autoscale: {max: 3, requestsPerSecond: 10}
                """)).containsExactlyInAnyOrder(
                "services.web.x-slipway.autoscale: needs x-slipway.route: the runner's router measures the"
                        + " service's traffic and sends it to the replicas the autoscaler starts",
                "services.job.x-slipway.autoscale: a task (x-slipway.task, or a dependency completed before its"
                        + " dependants) runs once and cannot be autoscaled");
    }

    @Test
    void alibabaLabelsAreAliases() throws Exception {
        Autoscale a = policy(web(String.join("\n",
                "    labels:",
                "      aliyun.auto_scaling.min_instances: \"2\"",
                "      aliyun.auto_scaling.max_instances: \"6\"",
                "      aliyun.auto_scaling.step: \"2\"",
                "    deploy: {replicas: 2}"), "{requestsPerSecond: 100}"));

        assertThat(a.min()).isEqualTo(2);
        assertThat(a.max()).isEqualTo(6);
        assertThat(a.scaleUp().step()).isEqualTo(Autoscale.Step.replicas(2));
        assertThat(a.scaleDown().step()).isEqualTo(Autoscale.Step.replicas(2));
    }

    @Test
    void alibabaCpuLabelsAimAtMaxCpuAndWarnThatMinCpuIsNoThresholdOfItsOwn() throws Exception {
        String yaml = web(String.join("\n",
                "    labels:",
                "      aliyun.auto_scaling.max_instances: \"4\"",
                "      aliyun.auto_scaling.max_cpu: \"70\"",
                "      aliyun.auto_scaling.min_cpu: \"20\"",
                "    deploy: {replicas: 1, resources: {limits: {cpus: \"1\"}}}"), "");
        ParsedCompose parsed = parser.parse(yaml, Map.of());

        assertThat(parsed.spec().services().get("web").autoscale().targets())
                .isEqualTo(Map.of(Autoscale.Target.CPU_PERCENT, 70.0));
        assertThat(parsed.warnings()).contains("services.web.labels.aliyun.auto_scaling.min_cpu: is not a threshold"
                + " of its own: the autoscaler aims at cpuPercent 70 as Kubernetes' HPA does, and scales in once the"
                + " figure is more than 10% under it");
    }

    @Test
    void alibabaCpuLabelsAreCheckedAsTheKeyIs() {
        assertThat(problems(web(String.join("\n",
                "    labels:",
                "      aliyun.auto_scaling.max_cpu: \"70\"",
                "      aliyun.auto_scaling.min_cpu: \"80\"",
                "    deploy: {replicas: 1}"), "{max: 5}"))).containsExactlyInAnyOrder(
                "services.web.labels.aliyun.auto_scaling.max_cpu: is a percent of the CPU limit, and service web"
                        + " has none: set services.web.deploy.resources.limits.cpus (e.g. \"0.5\")",
                "services.web.labels.aliyun.auto_scaling.min_cpu: must be a number from 0 to under 70"
                        + " (services.web.labels.aliyun.auto_scaling.max_cpu), got 80");
        assertThat(problems(web(String.join("\n",
                "    labels:",
                "      aliyun.auto_scaling.min_cpu: \"20\"",
                "    deploy: {replicas: 1}"), "{max: 5, requestsPerSecond: 10}"))).containsExactly(
                "services.web.labels.aliyun.auto_scaling.min_cpu: goes with aliyun.auto_scaling.max_cpu (or"
                        + " x-slipway.autoscale.cpuPercent), the CPU the autoscaler aims at; give it");
        assertThat(problems(web(String.join("\n",
                "    labels:",
                "      aliyun.auto_scaling.max_cpu: \"60\"",
                "    deploy: {replicas: 1, resources: {limits: {cpus: \"1\"}}}"), "{max: 5, cpuPercent: 50}")))
                .containsExactly("services.web.labels.aliyun.auto_scaling.max_cpu: says 60 but"
                        + " services.web.x-slipway.autoscale.cpuPercent says 50; give the value once");
    }

    @Test
    void anAliasDisagreeingWithTheKeyOrUnknownIsRefused() {
        assertThat(problems(web(String.join("\n",
                "    labels:",
                "      aliyun.auto_scaling.max_instances: \"6\"",
                "      aliyun.auto_scaling.cooldown: \"60\"",
                "    deploy: {replicas: 1}"), "{max: 5, requestsPerSecond: 100}")))
                .containsExactlyInAnyOrder(
                        "services.web.labels.aliyun.auto_scaling.max_instances: says 6 but"
                                + " services.web.x-slipway.autoscale.max says 5; give the value once",
                        "services.web.labels.aliyun.auto_scaling.cooldown: is not an autoscaling label the runner"
                                + " knows; it knows aliyun.auto_scaling.{max_cpu,max_instances,min_cpu,min_instances,"
                                + "step}");
    }

    @Test
    void aServiceWithoutAutoscaleHasNone() throws Exception {
        assertThat(policy(web(""))).isNull();
    }
}
