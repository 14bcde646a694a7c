package io.jenkins.plugins.slipway.runner.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.release.spec.AnalysisSpec;
import io.jenkins.plugins.slipway.runner.release.spec.MetricSpec;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AnalysisRunTest {
    private static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final MetricSpec.RouterMetric TRAFFIC = new MetricSpec.RouterMetric("traffic", 0.99, 500L, 20);

    private final ManualScheduler time = new ManualScheduler();
    private final List<Measurement> events = new ArrayList<>();
    /** The router's figures for the canary revision of shop/web, as the test sends traffic. */
    private FakeSnapshot canary = FakeSnapshot.none();

    private final ReleaseContext context = new ReleaseContext("shop", "r-7", "3", "4", 2,
            List.of(new ReleaseContext.ServiceTarget("web", "shop/web", List.of())));

    private AnalysisRun start(int count, int failureLimit, int inconclusiveLimit) {
        AnalysisSpec spec = new AnalysisSpec(List.of(TRAFFIC), INTERVAL, count, failureLimit, inconclusiveLimit);
        return AnalysisRun.start(spec, context, (route, revision) -> {
            assertThat(route).isEqualTo("shop/web");
            assertThat(revision).isEqualTo("4");
            return canary;
        }, HttpClient.newHttpClient(), time, events::add);
    }

    private void traffic(long requests, long failures) {
        canary = canary.plus(requests, failures, 40);
    }

    @Test
    void passesAfterCountGoodIntervalsAndMeasuresNothingBeforeTheFirstInterval() {
        canary = FakeSnapshot.none().plus(500, 500, 900); // before the run: ignored
        AnalysisRun run = start(3, 0, 0);
        traffic(100, 0);
        time.advance(Duration.ofSeconds(9));
        assertThat(events).isEmpty();
        time.advance(Duration.ofSeconds(1));
        assertThat(events).hasSize(1);
        traffic(100, 0);
        time.advance(INTERVAL);
        traffic(100, 0);
        assertThat(run.result()).isNotDone();
        time.advance(INTERVAL);
        AnalysisResult result = run.result().join();
        assertThat(result.verdict()).isEqualTo(Verdict.Successful);
        assertThat(result.measurements()).hasSize(3).extracting(Measurement::index).containsExactly(1, 2, 3);
        assertThat(events).extracting(Measurement::describe).containsExactly(
                "traffic #1/3: success rate 100.0% >= 99.0% over 100 requests (p99 40 ms <= 500 ms): SUCCESSFUL",
                "traffic #2/3: success rate 100.0% >= 99.0% over 100 requests (p99 40 ms <= 500 ms): SUCCESSFUL",
                "traffic #3/3: success rate 100.0% >= 99.0% over 100 requests (p99 40 ms <= 500 ms): SUCCESSFUL");
        assertThat(result.message()).isEqualTo("analysis SUCCESSFUL: traffic #3/3: success rate 100.0% >= 99.0% over "
                + "100 requests (p99 40 ms <= 500 ms): SUCCESSFUL [traffic 3/3 taken: 3 successful]");
        assertThat(events.get(2).at()).isEqualTo(events.get(0).at().plus(INTERVAL.multipliedBy(2)));
        assertThat(time.pendingTasks()).isZero();
    }

    @Test
    void failsAtTheFirstFailureBeyondTheLimitAndStopsMeasuring() {
        AnalysisRun run = start(5, 0, 0);
        traffic(140, 40);
        time.advance(INTERVAL);
        AnalysisResult result = run.result().join();
        assertThat(result.verdict()).isEqualTo(Verdict.Failed);
        assertThat(result.message()).isEqualTo("analysis FAILED: traffic #1/5: success rate 71.4% < 99.0% over 140 "
                + "requests (p99 40 ms <= 500 ms): FAILED [traffic 1/5 taken: 0 successful, 1 failed]");
        assertThat(time.pendingTasks()).isZero();
        time.advance(INTERVAL.multipliedBy(10));
        assertThat(events).hasSize(1);
    }

    @Test
    void failureLimitToleratesThatManyFailures() {
        AnalysisRun run = start(3, 1, 0);
        traffic(100, 50);
        time.advance(INTERVAL);
        traffic(100, 0);
        time.advance(INTERVAL);
        assertThat(run.result()).isNotDone();
        traffic(100, 0);
        time.advance(INTERVAL);
        assertThat(run.result().join().verdict()).isEqualTo(Verdict.Successful);

        events.clear();
        AnalysisRun second = start(3, 1, 0);
        traffic(100, 50);
        time.advance(INTERVAL);
        traffic(100, 50);
        time.advance(INTERVAL);
        assertThat(second.result().join().verdict()).isEqualTo(Verdict.Failed);
        assertThat(events).hasSize(2);
    }

    @Test
    void tooLittleTrafficIsInconclusiveAndSaysSo() {
        AnalysisRun run = start(3, 0, 0);
        traffic(3, 0);
        time.advance(INTERVAL);
        AnalysisResult result = run.result().join();
        assertThat(result.verdict()).isEqualTo(Verdict.Inconclusive);
        assertThat(result.message()).isEqualTo("analysis INCONCLUSIVE: traffic #1/3: only 3 requests in 10s, fewer than "
                + "minRequests 20: INCONCLUSIVE (too little traffic to judge; send traffic to the new revision or lower "
                + "minRequests) [traffic 1/3 taken: 0 successful, 1 inconclusive]");
    }

    @Test
    void inconclusiveLimitLetsTheRunGoOn() {
        AnalysisRun run = start(2, 0, 1);
        time.advance(INTERVAL);
        traffic(50, 0);
        time.advance(INTERVAL);
        AnalysisResult result = run.result().join();
        assertThat(result.verdict()).isEqualTo(Verdict.Successful);
        assertThat(result.measurements()).extracting(Measurement::verdict)
                .containsExactly(Verdict.Inconclusive, Verdict.Successful);
    }

    @Test
    void aBackgroundRunGoesOnUntilCancelled() {
        AnalysisRun run = start(0, 0, 0);
        for (int i = 0; i < 12; i++) {
            traffic(100, 0);
            time.advance(INTERVAL);
        }
        assertThat(run.result()).isNotDone();
        assertThat(events).hasSize(12);
        assertThat(events.get(11).describe()).startsWith("traffic #12: success rate 100.0%");
        run.cancel();
        assertThat(run.result()).isCancelled();
        assertThat(time.pendingTasks()).isZero();
        time.advance(INTERVAL.multipliedBy(3));
        assertThat(events).hasSize(12);
        run.cancel(); // twice is harmless
    }

    @Test
    void aBackgroundRunFailsWhenTheCanaryGoesBad() {
        AnalysisRun run = start(0, 1, 0);
        traffic(100, 0);
        time.advance(INTERVAL);
        traffic(100, 30);
        time.advance(INTERVAL);
        assertThat(run.result()).isNotDone();
        traffic(100, 30);
        time.advance(INTERVAL);
        AnalysisResult result = run.result().join();
        assertThat(result.verdict()).isEqualTo(Verdict.Failed);
        assertThat(result.message()).endsWith("[traffic 3 taken: 1 successful, 2 failed]");
    }

    /** A provider that answers what the test queues, standing for any provider. */
    private static final class Scripted extends AbstractMetricProvider {
        final List<Object> answers = new ArrayList<>();
        final AtomicInteger begun = new AtomicInteger();

        Scripted(Object... answers) {
            this.answers.addAll(List.of(answers));
        }

        @Override
        public String kind() {
            return "scripted";
        }

        @Override
        public void begin() {
            begun.incrementAndGet();
        }

        @Override
        protected Map<String, Object> thresholds() {
            return Map.of("limit", 1);
        }

        @Override
        protected CompletableFuture<Reading> doMeasure(int index) {
            Object a = answers.remove(0);
            if (a instanceof RuntimeException e) {
                throw e;
            }
            Verdict v = (Verdict) a;
            return CompletableFuture.completedFuture(new Reading(v, Map.of("n", index), thresholds(),
                    "scripted " + index + ": " + v.shout()));
        }
    }

    private AnalysisRun startScripted(int count, Map<String, MetricProvider> providers) {
        AnalysisSpec spec = new AnalysisSpec(List.of(TRAFFIC), INTERVAL, count, 0, 0);
        return AnalysisRun.start(spec, providers, time, events::add);
    }

    @Test
    void worstVerdictWinsAcrossMetrics() {
        Map<String, MetricProvider> p = new LinkedHashMap<>();
        p.put("a", new Scripted(Verdict.Successful, Verdict.Successful));
        p.put("b", new Scripted(Verdict.Successful, Verdict.Inconclusive));
        AnalysisRun run = startScripted(2, p);
        time.advance(INTERVAL.multipliedBy(2));
        AnalysisResult result = run.result().join();
        assertThat(result.verdict()).isEqualTo(Verdict.Inconclusive);
        assertThat(result.message()).isEqualTo("analysis INCONCLUSIVE: b #2/2: scripted 2: INCONCLUSIVE "
                + "[a 2/2 taken: 2 successful, b 2/2 taken: 1 successful, 1 inconclusive]");
    }

    @Test
    void anInconclusiveMetricStopsBeingMeasuredWhileTheOthersGoOn() {
        Map<String, MetricProvider> p = new LinkedHashMap<>();
        p.put("a", new Scripted(Verdict.Inconclusive));
        p.put("b", new Scripted(Verdict.Successful, Verdict.Failed));
        AnalysisRun run = startScripted(3, p);
        time.advance(INTERVAL.multipliedBy(2));
        AnalysisResult result = run.result().join();
        assertThat(result.verdict()).isEqualTo(Verdict.Failed);
        assertThat(events).extracting(Measurement::metric).containsExactly("a", "b", "b");
    }

    @Test
    void aProviderThatThrowsIsAnErrorAndErrorsCountAsFailures() {
        Map<String, MetricProvider> p = new LinkedHashMap<>();
        p.put("gate", new Scripted(new IllegalStateException("boom")));
        AnalysisRun run = startScripted(3, p);
        time.advance(INTERVAL);
        AnalysisResult result = run.result().join();
        assertThat(result.verdict()).isEqualTo(Verdict.Error);
        assertThat(events.get(0).message()).isEqualTo("scripted could not measure (IllegalStateException: boom): ERROR");
        assertThat(events.get(0).thresholds()).containsEntry("limit", 1);
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheRun() {
        Map<String, MetricProvider> p = new LinkedHashMap<>();
        Scripted s = new Scripted(Verdict.Successful, Verdict.Successful);
        p.put("a", s);
        AnalysisSpec spec = new AnalysisSpec(List.of(TRAFFIC), INTERVAL, 2, 0, 0);
        AnalysisRun run = AnalysisRun.start(spec, p, time, m -> {
            throw new IllegalStateException("event store down");
        });
        time.advance(INTERVAL.multipliedBy(2));
        assertThat(run.result().join().verdict()).isEqualTo(Verdict.Successful);
        assertThat(s.begun).hasValue(1);
    }

    @Test
    void eventDataIsPlainJsonReady() {
        AnalysisRun run = start(1, 0, 0);
        traffic(140, 40);
        time.advance(INTERVAL);
        Map<String, Object> data = run.result().join().measurements().get(0).toEventData();
        assertThat(data).containsKeys("metric", "provider", "index", "count", "at", "verdict", "values", "thresholds",
                "message");
        assertThat(data.get("at")).isEqualTo("2026-01-01T00:00:10Z");
        assertThat(data.get("verdict")).isEqualTo("Failed");
    }

    @Test
    void cancelBeforeTheFirstMeasurement() {
        Map<String, MetricProvider> p = Map.of("a", new Scripted(Verdict.Successful));
        AnalysisRun run = startScripted(1, p);
        run.cancel();
        time.advance(INTERVAL.multipliedBy(2));
        assertThat(events).isEmpty();
        assertThat(run.result()).isCancelled();
    }
}
