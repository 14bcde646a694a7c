package io.jenkins.plugins.slipway.runner.release.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.routing.MatchRule;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReleaseSpecParserTest {
    private static final String P = "services.web.x-slipway.release";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final List<ApiError.Problem> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    private ReleaseSpec parse(String yaml) {
        try {
            Object node = yaml == null ? null : YAML.readValue(yaml, Object.class);
            return ReleaseSpecParser.parse(node, P, problems, warnings);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void absentIsRolling() {
        assertThat(parse(null)).isEqualTo(new ReleaseSpec.Rolling());
        assertThat(parse("strategy: rolling")).isEqualTo(new ReleaseSpec.Rolling());
        assertThat(problems).isEmpty();
        assertThat(warnings).isEmpty();
    }

    @Test
    void fullCanary() {
        ReleaseSpec spec = parse("""
                strategy: canary
                sticky: true
                match:
                  - header: {name: X-Canary, value: always}
                  - cookie: {name: canary, value: "yes"}
                analysis:
                  interval: 30s
                  metrics:
                    - name: traffic
                      router: {successRate: 0.99, maxP99Ms: 500, minRequests: 20}
                steps:
                  - setCanaryScale: {replicas: 1}
                  - setWeight: 25
                  - pause: {duration: 1m30s}
                  - analysis:
                      interval: 10s
                      count: 3
                      failureLimit: 1
                      metrics:
                        - http: {path: /healthz, expectStatus: 204, timeout: 500ms}
                        - name: gate
                          webhook: {url: "http://127.0.0.1:19555/check"}
                  - setCanaryScale: {matchTrafficWeight: true}
                  - setWeight: 50
                  - pause: {}
                  - pause:
                """);
        assertThat(problems).isEmpty();
        assertThat(warnings).isEmpty();
        AnalysisSpec background = new AnalysisSpec(
                List.of(new MetricSpec.RouterMetric("traffic", 0.99, 500L, 20)), Duration.ofSeconds(30), 0, 0, 0);
        AnalysisSpec inline = new AnalysisSpec(List.of(
                new MetricSpec.HttpMetric("http", "/healthz", 204, Duration.ofMillis(500)),
                new MetricSpec.WebhookMetric("gate", URI.create("http://127.0.0.1:19555/check"), Duration.ofSeconds(10))),
                Duration.ofSeconds(10), 3, 1, 0);
        assertThat(spec).isEqualTo(new ReleaseSpec.Canary(List.of(
                CanaryStep.SetCanaryScale.replicas(1),
                new CanaryStep.SetWeight(25),
                CanaryStep.Pause.of(Duration.ofSeconds(90)),
                new CanaryStep.Analysis(inline),
                CanaryStep.SetCanaryScale.followWeight(),
                new CanaryStep.SetWeight(50),
                CanaryStep.Pause.indefinite(),
                CanaryStep.Pause.indefinite()),
                Optional.of(background),
                List.of(new MatchCondition(MatchRule.Kind.HEADER, "X-Canary", "always"),
                        new MatchCondition(MatchRule.Kind.COOKIE, "canary", "yes")),
                true));
        assertThat(background.isUnbounded()).isTrue();
    }

    @Test
    void inlineAnalysisDefaults() {
        ReleaseSpec spec = parse("""
                strategy: canary
                steps:
                  - analysis: {metrics: [{router: {successRate: 0.95}}]}
                """);
        assertThat(problems).isEmpty();
        CanaryStep.Analysis step = (CanaryStep.Analysis) ((ReleaseSpec.Canary) spec).steps().get(0);
        assertThat(step.analysis()).isEqualTo(new AnalysisSpec(
                List.of(new MetricSpec.RouterMetric("router", 0.95, null, MetricSpec.RouterMetric.DEFAULT_MIN_REQUESTS)),
                AnalysisSpec.DEFAULT_INTERVAL, AnalysisSpec.DEFAULT_INLINE_COUNT, 0, 0));
    }

    @Test
    void blueGreen() {
        ReleaseSpec spec = parse("""
                strategy: blueGreen
                previewPort: 18081
                autoPromotionSeconds: 60
                scaleDownDelaySeconds: 5
                prePromotionAnalysis:
                  count: 2
                  metrics: [{http: {path: /}}]
                """);
        assertThat(problems).isEmpty();
        assertThat(spec).isEqualTo(new ReleaseSpec.BlueGreen(18081, Optional.of(new AnalysisSpec(
                List.of(new MetricSpec.HttpMetric("http", "/", 200, MetricSpec.HttpMetric.DEFAULT_TIMEOUT)),
                AnalysisSpec.DEFAULT_INTERVAL, 2, 0, 0)), true, 60, 5));
        assertThat(parse("strategy: blueGreen\nautoPromotionEnabled: false"))
                .isEqualTo(new ReleaseSpec.BlueGreen(null, Optional.empty(), false, 0, 30));
    }

    @Test
    void acceptsAJacksonTree() throws Exception {
        var tree = new ObjectMapper().readTree("{\"strategy\":\"canary\",\"steps\":[{\"setWeight\":10}]}");
        ReleaseSpec spec = ReleaseSpecParser.parse(tree, P, problems, warnings);
        assertThat(problems).isEmpty();
        assertThat(((ReleaseSpec.Canary) spec).steps()).containsExactly(new CanaryStep.SetWeight(10));
    }

    static Stream<Arguments> invalid() {
        String canary = "strategy: canary\nsteps:\n";
        return Stream.of(
                Arguments.of("strategy: blue-green", P + ".strategy",
                        "must be one of rolling, canary, blueGreen, got 'blue-green'"),
                Arguments.of("canary", P, "must be a mapping, got 'canary'"),
                Arguments.of("strategy: canary", P + ".steps", "a canary needs at least one step"),
                Arguments.of("strategy: canary\nsteps: []", P + ".steps", "a canary needs at least one step"),
                Arguments.of("strategy: canary\nsteps: {setWeight: 5}", P + ".steps", "must be a list, got a mapping"),
                Arguments.of(canary + "  - setWeight: 10\n  - setWeight: 20\n  - setWeight: 150", P + ".steps[2].setWeight",
                        "must be a whole number from 0 to 100, got 150"),
                Arguments.of(canary + "  - setWeight: 12.5", P + ".steps[0].setWeight",
                        "must be a whole number from 0 to 100, got 12.5"),
                Arguments.of(canary + "  - setWeight: ten", P + ".steps[0].setWeight",
                        "must be a whole number from 0 to 100, got 'ten'"),
                Arguments.of(canary + "  - setWieght: 10", P + ".steps[0].setWieght",
                        "is not a step; a step is one of setWeight, pause, analysis, setCanaryScale"),
                Arguments.of(canary + "  - {setWeight: 10, pause: {}}", P + ".steps[0]",
                        "a step does one thing, got setWeight and pause; split it into 2 steps"),
                Arguments.of(canary + "  - {}", P + ".steps[0]", "empty step"),
                Arguments.of(canary + "  - pause: 30s", P + ".steps[0].pause",
                        "must be a mapping: {duration: 30s} to wait, or {} to wait until promoted; got '30s'"),
                Arguments.of(canary + "  - pause: {duration: soon}", P + ".steps[0].pause.duration",
                        "must be a duration such as 500ms, 30s, 2m or 1h, got 'soon'"),
                Arguments.of(canary + "  - pause: {duration: 0s}", P + ".steps[0].pause.duration",
                        "must be a positive duration"),
                Arguments.of(canary + "  - setCanaryScale: {replicas: 1, weight: 20}", P + ".steps[0].setCanaryScale",
                        "needs exactly one of replicas: N, weight: N or matchTrafficWeight: true, got 2"),
                Arguments.of(canary + "  - setCanaryScale: {replicas: -1}", P + ".steps[0].setCanaryScale.replicas",
                        "must be a whole number from 0 to 10000, got -1"),
                Arguments.of(canary + "  - setCanaryScale: {weight: 101}", P + ".steps[0].setCanaryScale.weight",
                        "must be a whole number from 0 to 100, got 101"),
                Arguments.of(canary + "  - setCanaryScale: {matchTrafficWeight: false}",
                        P + ".steps[0].setCanaryScale.matchTrafficWeight", "only true is meaningful"),
                Arguments.of(canary + "  - analysis: {}", P + ".steps[0].analysis.metrics",
                        "an analysis needs at least one metric (router, http or webhook)"),
                Arguments.of(canary + "  - analysis: {metrics: []}", P + ".steps[0].analysis.metrics",
                        "an analysis needs at least one metric"),
                Arguments.of(canary + "  - analysis: {count: 0, metrics: [{http: {path: /}}]}",
                        P + ".steps[0].analysis.count", "must be a whole number from 1 to 10000, got 0"),
                Arguments.of(canary + "  - analysis: {interval: 0s, metrics: [{http: {path: /}}]}",
                        P + ".steps[0].analysis.interval", "must be a positive duration"),
                Arguments.of(canary + "  - analysis: {failureLimit: -2, metrics: [{http: {path: /}}]}",
                        P + ".steps[0].analysis.failureLimit", "must be a whole number from 0 to 10000, got -2"),
                Arguments.of(canary + "  - analysis: {inconclusiveLimit: x, metrics: [{http: {path: /}}]}",
                        P + ".steps[0].analysis.inconclusiveLimit", "must be a whole number from 0 to 10000, got 'x'"),
                Arguments.of(canary + "  - analysis: {metrics: [{name: a}]}", P + ".steps[0].analysis.metrics[0]",
                        "needs exactly one provider: router, http or webhook"),
                Arguments.of(canary + "  - analysis: {metrics: [{http: {path: /}, router: {successRate: 1}}]}",
                        P + ".steps[0].analysis.metrics[0]",
                        "needs exactly one provider: router, http or webhook, got http and router"),
                Arguments.of(canary + "  - analysis: {metrics: [{http: {path: /}}, {http: {path: /x}}]}",
                        P + ".steps[0].analysis.metrics[1].name", "duplicate metric name 'http'"),
                Arguments.of(canary + "  - analysis: {metrics: [{router: {successRate: 99}}]}",
                        P + ".steps[0].analysis.metrics[0].router.successRate",
                        "is a share from 0 to 1 (0.99 for 99%), got 99"),
                Arguments.of(canary + "  - analysis: {metrics: [{router: {successRate: -1}}]}",
                        P + ".steps[0].analysis.metrics[0].router.successRate", "must be a number from 0 to 1"),
                Arguments.of(canary + "  - analysis: {metrics: [{router: {minRequests: 5}}]}",
                        P + ".steps[0].analysis.metrics[0].router", "needs successRate (e.g. 0.99) or maxP99Ms"),
                Arguments.of(canary + "  - analysis: {metrics: [{router: {maxP99Ms: 500, minRequests: 0}}]}",
                        P + ".steps[0].analysis.metrics[0].router.minRequests", "must be a whole number 1 or more, got 0"),
                Arguments.of(canary + "  - analysis: {metrics: [{router: {maxP99Ms: 0}}]}",
                        P + ".steps[0].analysis.metrics[0].router.maxP99Ms", "must be a whole number from 1 to"),
                Arguments.of(canary + "  - analysis: {metrics: [{http: {}}]}",
                        P + ".steps[0].analysis.metrics[0].http.path", "is required"),
                Arguments.of(canary + "  - analysis: {metrics: [{http: {path: healthz}}]}",
                        P + ".steps[0].analysis.metrics[0].http.path", "must be a URL path starting with /"),
                Arguments.of(canary + "  - analysis: {metrics: [{http: {path: /, expectStatus: 600}}]}",
                        P + ".steps[0].analysis.metrics[0].http.expectStatus", "must be a whole number from 100 to 599, got 600"),
                Arguments.of(canary + "  - analysis: {metrics: [{http: {path: /, timeout: forever}}]}",
                        P + ".steps[0].analysis.metrics[0].http.timeout", "must be a duration"),
                Arguments.of(canary + "  - analysis: {metrics: [{webhook: {}}]}",
                        P + ".steps[0].analysis.metrics[0].webhook.url", "is required"),
                Arguments.of(canary + "  - analysis: {metrics: [{webhook: {url: 'ftp://127.0.0.1/x'}}]}",
                        P + ".steps[0].analysis.metrics[0].webhook.url", "must be an http:// or https:// URL with a host"),
                Arguments.of(canary + "  - analysis: {metrics: [{webhook: {url: 'http://u:p@127.0.0.1/x'}}]}",
                        P + ".steps[0].analysis.metrics[0].webhook.url", "must not carry credentials"),
                Arguments.of(canary + "  - analysis: {metrics: [{webhook: {url: 'http://127.0.0.1/ x'}}]}",
                        P + ".steps[0].analysis.metrics[0].webhook.url", "is not a URL"),
                Arguments.of(canary + "  - setWeight: 5\nmatch: [{header: {name: X-Canary}}]", P + ".match[0].header.value",
                        "is required"),
                Arguments.of(canary + "  - setWeight: 5\nmatch: [{header: {name: 'X Canary', value: a}}]",
                        P + ".match[0].header.name", "must be a header name"),
                Arguments.of(canary + "  - setWeight: 5\nmatch: [{header: {name: a, value: b}, cookie: {name: a, value: b}}]",
                        P + ".match[0]", "needs exactly one of header"),
                Arguments.of(canary + "  - setWeight: 5\nmatch: [{cookie: {name: beta, value: yes}}]",
                        P + ".match[0].cookie.value", "YAML reads this value as the boolean true; quote it"),
                Arguments.of(canary + "  - analysis: {metrics: [{http: {path: '/a{b}'}}]}",
                        P + ".steps[0].analysis.metrics[0].http.path", "must be a URL path starting with /"),
                Arguments.of(canary + "  - setWeight: 5\nmatch: {header: {name: a, value: b}}", P + ".match",
                        "must be a list, got a mapping"),
                Arguments.of(canary + "  - setWeight: 5\nsticky: yes please", P + ".sticky", "must be true or false"),
                Arguments.of(canary + "  - setWeight: 5\nanalysis: {count: -1, metrics: [{http: {path: /}}]}",
                        P + ".analysis.count", "must be a whole number from 0 to 10000, got -1"),
                Arguments.of(canary + "  - setWeight: 5\npreviewPort: 8081", P + ".previewPort",
                        "applies to strategy blueGreen, not canary; remove it or set strategy: blueGreen"),
                Arguments.of("strategy: blueGreen\nsteps: [{setWeight: 5}]", P + ".steps",
                        "applies to strategy canary, not blueGreen"),
                Arguments.of("strategy: rolling\nsticky: true", P + ".sticky", "applies to strategy canary, not rolling"),
                Arguments.of("strategy: blueGreen\npreviewPort: 70000", P + ".previewPort",
                        "must be a whole number from 1 to 65535, got 70000"),
                Arguments.of("strategy: blueGreen\nautoPromotionSeconds: -5", P + ".autoPromotionSeconds",
                        "must be a whole number from 0 to 86400, got -5"),
                Arguments.of("strategy: blueGreen\nscaleDownDelaySeconds: 1.5", P + ".scaleDownDelaySeconds",
                        "must be a whole number from 0 to 86400, got 1.5"),
                Arguments.of("strategy: blueGreen\nautoPromotionEnabled: 1", P + ".autoPromotionEnabled",
                        "must be true or false, got 1"),
                Arguments.of("strategy: blueGreen\nprePromotionAnalysis: {metrics: [{router: {}}]}",
                        P + ".prePromotionAnalysis.metrics[0].router", "needs successRate"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("invalid")
    void eachInvalidFieldIsReportedAtItsPath(String yaml, String path, String message) {
        parse(yaml);
        assertThat(problems).as("problems for:\n%s", yaml).hasSize(1);
        assertThat(problems.get(0).path()).isEqualTo(path);
        assertThat(problems.get(0).message()).startsWith(message);
    }

    @Test
    void reportsEveryProblemAtOnce() {
        parse("""
                strategy: canary
                steps:
                  - setWeight: 150
                  - pause: {duration: never}
                  - analysis: {metrics: [{webhook: {url: 'ftp://example.org'}}]}
                """);
        assertThat(problems).extracting(ApiError.Problem::path).containsExactly(
                P + ".steps[0].setWeight", P + ".steps[1].pause.duration",
                P + ".steps[2].analysis.metrics[0].webhook.url");
    }

    @Test
    void credentialsNeverEchoed() {
        parse("strategy: canary\nsteps: [{analysis: {metrics: [{webhook: {url: 'http://bob:s3cret@127.0.0.1/'}}]}}]");
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).message()).doesNotContain("s3cret");
    }

    @Test
    void unknownKeysAreWarningsWithPaths() {
        ReleaseSpec spec = parse("""
                strategy: canary
                colour: blue
                steps:
                  - pause: {duration: 10s, reason: tea}
                  - analysis:
                      intervall: 5s
                      metrics:
                        - name: t
                          router: {successRate: 0.9, p50: 3}
                          weight: 2
                """);
        assertThat(problems).isEmpty();
        assertThat(spec).isInstanceOf(ReleaseSpec.Canary.class);
        assertThat(warnings).containsExactly(
                P + ".colour: unknown key, ignored",
                P + ".steps[0].pause.reason: unknown key, ignored",
                P + ".steps[1].analysis.intervall: unknown key, ignored",
                P + ".steps[1].analysis.metrics[0].weight: unknown key, ignored",
                P + ".steps[1].analysis.metrics[0].router.p50: unknown key, ignored");
    }

    @Test
    void warnsWhenAnalysisCanNeverFail() {
        parse("strategy: canary\nsteps: [{analysis: {count: 2, failureLimit: 2, metrics: [{http: {path: /}}]}}]");
        assertThat(problems).isEmpty();
        assertThat(warnings).containsExactly(
                P + ".steps[0].analysis.failureLimit: 2 >= count 2, so this analysis can never fail");
    }

    @Test
    void webhookHostsAreLeftToTheRunnersPolicyAtCallTime() {
        for (String url : List.of("https://Gate.Internal:8443/check", "http://localhost/x", "http://10.0.0.1/x",
                "http://[::1]:80/x")) {
            problems.clear();
            parse("strategy: canary\nsteps: [{analysis: {metrics: [{webhook: {url: '" + url + "'}}]}}]");
            assertThat(problems).as(url).isEmpty();
        }
    }
}
