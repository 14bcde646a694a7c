package io.jenkins.plugins.slipway.runner.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.routing.MetricsSnapshot;
import io.jenkins.plugins.slipway.runner.routing.RouteSpec;
import io.jenkins.plugins.slipway.runner.routing.Router;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ActualWeightsTest {

    @Test
    void sharesAreTheRequestsCountedBetweenTwoSamplesAndSumTo100() {
        assertThat(ActualWeights.shares(Map.of("1", 100L, "2", 10L), Map.of("1", 175L, "2", 35L)))
                .isEqualTo(Map.of("1", 75, "2", 25));
        assertThat(ActualWeights.shares(Map.of("1", 0L), Map.of("1", 1L, "2", 2L)))
                .isEqualTo(Map.of("1", 33, "2", 67));
        assertThat(ActualWeights.shares(Map.of("1", 5L), Map.of("1", 5L))).as("no request").isEmpty();
        // The route was removed and created again: its counter started from 0.
        assertThat(ActualWeights.shares(Map.of("1", 500L, "2", 0L), Map.of("1", 30L, "2", 10L)))
                .isEqualTo(Map.of("1", 75, "2", 25));
    }

    @Test
    void measuresTheLastMinuteAndKeepsARevisionThatLeftTheRouteWhileItAnsweredInTheWindow() {
        CountingRouter router = new CountingRouter();
        Set<String> routed = new TreeSet<>(Set.of("1"));
        AtomicLong now = new AtomicLong();
        ActualWeights actual = new ActualWeights(router, (app, service) -> routed, now::get, false);

        assertThat(actual.lastMinute("shop", "web")).as("one sample says nothing yet").isEmpty();
        router.add("1", 90);
        routed.add("2");
        now.addAndGet(Duration.ofSeconds(5).toNanos());
        actual.sampleAll();
        router.add("1", 30);
        router.add("2", 10);
        now.addAndGet(Duration.ofSeconds(5).toNanos());
        assertThat(actual.lastMinute("shop", "web")).isEqualTo(Map.of("1", 92, "2", 8));

        // Revision 1 leaves the route; what it answered in the last minute still counts.
        routed.remove("1");
        router.add("2", 40);
        now.addAndGet(Duration.ofSeconds(5).toNanos());
        assertThat(actual.lastMinute("shop", "web")).isEqualTo(Map.of("1", 71, "2", 29));

        // A minute later only revision 2 answered.
        for (int i = 0; i < 13; i++) {
            router.add("2", 10);
            now.addAndGet(Duration.ofSeconds(5).toNanos());
            actual.sampleAll();
        }
        assertThat(actual.lastMinute("shop", "web")).isEqualTo(Map.of("2", 100));
    }

    /** Cumulative request counters per revision, as the router keeps them. */
    private static final class CountingRouter implements Router {
        @Override
        public void onHeld(java.util.function.Consumer<String> listener) {
        }

        @Override
        public int held(String routeName) {
            return 0;
        }

        private final Map<String, Long> requests = new HashMap<>();

        void add(String revision, long n) {
            requests.merge(revision, n, Long::sum);
        }

        @Override
        public MetricsSnapshot snapshot(String routeName, String revision) {
            long n = requests.getOrDefault(revision, 0L);
            return new MetricsSnapshot() {
                @Override
                public long requests() {
                    return n;
                }

                @Override
                public long failures() {
                    return 0;
                }

                @Override
                public double latencyMillis(double percentile) {
                    return 0;
                }

                @Override
                public MetricsSnapshot since(MetricsSnapshot earlier) {
                    throw new UnsupportedOperationException();
                }
            };
        }

        @Override
        public void apply(RouteSpec spec) {
        }

        @Override
        public Optional<RouteSpec> spec(String routeName) {
            return Optional.empty();
        }

        @Override
        public void remove(String routeName) {
        }

        @Override
        public void setBackendHealthy(String routeName, String backendId, boolean healthy) {
        }

        @Override
        public int inFlight(String routeName, String backendId) {
            return 0;
        }

        @Override
        public MultiCollector metrics() {
            return MetricSnapshots::new;
        }

        @Override
        public void close() {
        }
    }
}
