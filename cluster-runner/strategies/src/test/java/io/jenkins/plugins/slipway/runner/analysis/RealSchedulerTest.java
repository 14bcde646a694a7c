package io.jenkins.plugins.slipway.runner.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.runner.release.spec.AnalysisSpec;
import io.jenkins.plugins.slipway.runner.release.spec.MetricSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The runner's wiring: a real {@link ScheduledExecutorService} and the system clock, with short intervals. */
class RealSchedulerTest {
    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2);
    private final AnalysisScheduler scheduler = AnalysisScheduler.of(executor, Clock.systemUTC());

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    /** Always passes, answering on another thread as the HTTP providers do. */
    private final class Passing extends AbstractMetricProvider {
        final AtomicLong calls = new AtomicLong();

        @Override
        public String kind() {
            return "passing";
        }

        @Override
        protected Map<String, Object> thresholds() {
            return Map.of();
        }

        @Override
        protected CompletableFuture<Reading> doMeasure(int index) {
            calls.incrementAndGet();
            return CompletableFuture.supplyAsync(() -> new Reading(Verdict.Successful, Map.of(), Map.of(), "ok"), executor);
        }
    }

    private static AnalysisSpec spec(int count) {
        return new AnalysisSpec(List.of(new MetricSpec.HttpMetric("p", "/", 200, Duration.ofSeconds(1))),
                Duration.ofMillis(20), count, 0, 0);
    }

    @Test
    void measuresEveryIntervalAndEnds() {
        List<Measurement> heard = new CopyOnWriteArrayList<>();
        AnalysisRun run = AnalysisRun.start(spec(3), Map.of("p", new Passing()), scheduler, heard::add);
        await().atMost(Duration.ofSeconds(60)).until(() -> run.result().isDone());
        assertThat(run.result().join().verdict()).isEqualTo(Verdict.Successful);
        assertThat(heard).extracting(Measurement::index).containsExactly(1, 2, 3);
        // A measurement's time is when its reading came back, which a busy machine delays by any amount; but the
        // third starts at least an interval after the second started, which was no sooner than the first came back.
        assertThat(Duration.between(heard.get(0).at(), heard.get(2).at())).isGreaterThanOrEqualTo(Duration.ofMillis(20));
    }

    @Test
    void cancellingWhileMeasurementsComeAndGoNeverHangsNorReportsAfterwards() {
        List<AnalysisRun> runs = new ArrayList<>();
        List<Passing> providers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Passing p = new Passing();
            providers.add(p);
            runs.add(AnalysisRun.start(spec(0), Map.of("p", p), scheduler, m -> { }));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> providers.stream().allMatch(p -> p.calls.get() >= 2));
        runs.forEach(r -> CompletableFuture.runAsync(r::cancel, executor));
        await().atMost(Duration.ofSeconds(60)).until(() -> runs.stream().allMatch(r -> r.result().isCancelled()));
        long[] after = providers.stream().mapToLong(p -> p.calls.get()).toArray();
        // One measurement may have been under way at the moment of cancelling; none is started after it.
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(5)).until(() -> {
            for (int i = 0; i < after.length; i++) {
                if (providers.get(i).calls.get() > after[i] + 1) {
                    return false;
                }
            }
            return true;
        });
    }
}
