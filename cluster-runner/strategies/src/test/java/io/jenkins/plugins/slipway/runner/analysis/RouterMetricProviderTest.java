package io.jenkins.plugins.slipway.runner.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.release.spec.MetricSpec;
import io.jenkins.plugins.slipway.runner.routing.MetricsSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RouterMetricProviderTest {
    private static final Duration TEN = Duration.ofSeconds(10);
    private static final MetricSpec.RouterMetric BOTH = new MetricSpec.RouterMetric("traffic", 0.99, 500L, 20);
    private static final MetricSpec.RouterMetric RATE = new MetricSpec.RouterMetric("traffic", 0.99, null, 20);
    private static final MetricSpec.RouterMetric P99 = new MetricSpec.RouterMetric("traffic", null, 500L, 1);

    static Stream<Arguments> judgements() {
        return Stream.of(
                Arguments.of(BOTH, 140, 40, 38.0, Verdict.Failed,
                        "success rate 71.4% < 99.0% over 140 requests (p99 38 ms <= 500 ms): FAILED"),
                Arguments.of(BOTH, 200, 0, 38.0, Verdict.Successful,
                        "success rate 100.0% >= 99.0% over 200 requests (p99 38 ms <= 500 ms): SUCCESSFUL"),
                Arguments.of(BOTH, 200, 2, 500.0, Verdict.Successful,
                        "success rate 99.0% >= 99.0% over 200 requests (p99 500 ms <= 500 ms): SUCCESSFUL"),
                Arguments.of(BOTH, 200, 0, 612.0, Verdict.Failed,
                        "p99 612 ms > 500 ms over 200 requests (success rate 100.0% >= 99.0%): FAILED"),
                Arguments.of(BOTH, 200, 100, 612.0, Verdict.Failed,
                        "success rate 50.0% < 99.0% over 200 requests (p99 612 ms > 500 ms): FAILED"),
                Arguments.of(RATE, 10000, 101, 3.0, Verdict.Failed,
                        "success rate 98.99% < 99.00% over 10000 requests: FAILED"),
                Arguments.of(P99, 5, 5, 2.5, Verdict.Successful, "p99 2.5 ms <= 500 ms over 5 requests: SUCCESSFUL"),
                Arguments.of(BOTH, 19, 0, 10.0, Verdict.Inconclusive,
                        "only 19 requests in 10s, fewer than minRequests 20: INCONCLUSIVE (too little traffic to judge; "
                        + "send traffic to the new revision or lower minRequests)"),
                Arguments.of(BOTH, 1, 1, 10.0, Verdict.Inconclusive,
                        "only 1 request in 10s, fewer than minRequests 20: INCONCLUSIVE (too little traffic to judge; "
                        + "send traffic to the new revision or lower minRequests)"),
                // No traffic at all reads as a 100% success rate; it must never pass.
                Arguments.of(P99, 0, 0, 0.0, Verdict.Inconclusive,
                        "only 0 requests in 10s, fewer than minRequests 1: INCONCLUSIVE (too little traffic to judge; "
                        + "send traffic to the new revision or lower minRequests)"));
    }

    @ParameterizedTest(name = "[{index}] {5}")
    @MethodSource("judgements")
    void judges(MetricSpec.RouterMetric spec, long requests, long failures, double p99, Verdict verdict, String message) {
        Reading r = RouterMetricProvider.judge(spec,
                new RouterMetricProvider.Traffic(requests, failures, p99 / 2, p99 * 0.9, p99), TEN);
        assertThat(r.message()).isEqualTo(message);
        assertThat(r.verdict()).isEqualTo(verdict);
    }

    @Test
    void figuresSitBesideThresholds() {
        Reading r = RouterMetricProvider.judge(BOTH, new RouterMetricProvider.Traffic(140, 40, 12, 30, 38), TEN);
        assertThat(r.values()).containsExactly(Map.entry("requests", 140L), Map.entry("failures", 40L),
                Map.entry("successRate", 0.7143), Map.entry("p50Ms", 12.0), Map.entry("p95Ms", 30.0),
                Map.entry("p99Ms", 38.0), Map.entry("intervalMs", 10_000L));
        assertThat(r.thresholds()).containsExactly(Map.entry("successRate", 0.99), Map.entry("maxP99Ms", 500L),
                Map.entry("minRequests", 20L));
    }

    @Test
    void measuresOnlyTheIntervalAndAddsUpRoutes() {
        Map<String, FakeSnapshot> live = new HashMap<>();
        live.put("shop/web", FakeSnapshot.none().plus(1000, 500, 10)); // traffic before the run: not counted
        live.put("shop/api", FakeSnapshot.none());
        Instant[] now = {Instant.EPOCH};
        List<java.util.function.Supplier<MetricsSnapshot>> sources = List.of(
                () -> live.get("shop/web"), () -> live.get("shop/api"));
        RouterMetricProvider p = new RouterMetricProvider(BOTH, sources, () -> now[0]);
        p.begin();
        live.put("shop/web", live.get("shop/web").plus(100, 0, 40));
        live.put("shop/api", live.get("shop/api").plus(40, 2, 120));
        now[0] = now[0].plusSeconds(10);
        Reading r = p.measure(1).join();
        assertThat(r.values()).containsEntry("requests", 140L).containsEntry("failures", 2L)
                .containsEntry("p99Ms", 120.0);
        assertThat(r.message()).isEqualTo("success rate 98.6% < 99.0% over 140 requests (p99 120 ms <= 500 ms): FAILED");

        live.put("shop/web", live.get("shop/web").plus(30, 0, 40));
        now[0] = now[0].plusSeconds(10);
        assertThat(p.measure(2).join().values()).containsEntry("requests", 30L).containsEntry("failures", 0L);
    }

    @Test
    void aReleaseWithoutRoutesIsAnErrorNotAPass() {
        RouterMetricProvider p = new RouterMetricProvider(BOTH, List.of(), () -> Instant.EPOCH);
        p.begin();
        Reading r = p.measure(1).join();
        assertThat(r.verdict()).isEqualTo(Verdict.Error);
        assertThat(r.message()).isEqualTo("no routed service to measure (router metrics need x-slipway.route): ERROR");
    }

    @Test
    void aSourceThatThrowsIsAnError() {
        RouterMetricProvider p = new RouterMetricProvider(BOTH, List.of(() -> {
            throw new IllegalStateException("route shop/web is gone");
        }), () -> Instant.EPOCH);
        Reading r = p.measure(1).join();
        assertThat(r.verdict()).isEqualTo(Verdict.Error);
        assertThat(r.message()).isEqualTo(
                "router could not measure (IllegalStateException: route shop/web is gone): ERROR");
    }
}
