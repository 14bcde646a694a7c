package io.jenkins.plugins.slipway.runner.autoscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jenkins.plugins.slipway.runner.compose.Autoscale;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import io.jenkins.plugins.slipway.runner.engine.UsageSample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The mean use of a service's ready replicas from the stats readings kept per replica. */
class ResourceSamplesTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long QUARTER_CPU = 250_000_000L;
    private static final long LIMIT = 64L * 1024 * 1024;
    private final ResourceSamples samples = new ResourceSamples(replica -> {
        throw new AssertionError("no reading in this test");
    });

    @AfterEach
    void close() {
        samples.close();
    }

    private static Replica replica(String id) {
        return new Replica(id, "web-1-" + id, Map.of(Labels.SERVICE, "web"), Replica.State.RUNNING, 0,
                Replica.Health.HEALTHY, "local", Map.of());
    }

    /** A reading at second {@code at} of a replica that has used {@code cpuSeconds} on a machine of 2 CPUs. */
    private void read(String id, long at, double cpuSeconds, long memory) {
        samples.add(id, at * SECOND, new UsageSample((long) (cpuSeconds * SECOND), at * 2 * SECOND, 2, memory));
    }

    @Test
    void theMeanIsOverTheReadyReplicasThatHaveAFigure() {
        read("a", 10, 0, LIMIT / 4);
        read("a", 11, 0.25, LIMIT / 4);
        read("b", 10, 0, LIMIT / 2);
        read("b", 11, 0, LIMIT / 2);
        read("c", 11, 5, LIMIT);

        ResourceSamples.Usage u = samples.mean(List.of(replica("a"), replica("b"), replica("c")), QUARTER_CPU, LIMIT,
                11 * SECOND);

        // a: 0.25 CPU-s in 1 s = all of its 0.25 CPU; b: idle; c: read once, no CPU figure yet, its memory counts.
        assertThat(u.cpuPercent()).isCloseTo(50, within(1e-9));
        assertThat(u.memoryPercent()).isCloseTo((25 + 50 + 100) / 3.0, within(1e-9));
    }

    @Test
    void cpuIsMeasuredOverTheWindowNotTheLastPassOnly() {
        read("a", 10, 0, 0);
        read("a", 11, 0.25, 0);
        read("a", 12, 0.50, 0);
        read("a", 13, 0.50, 0);

        // The baseline is the reading 3 s back: 0.5 CPU-s in 3 s is two thirds of 0.25 CPU.
        assertThat(samples.mean(List.of(replica("a")), QUARTER_CPU, LIMIT, 13 * SECOND).cpuPercent())
                .isCloseTo(200 / 3.0, within(1e-9));
    }

    @Test
    void staleReadingsAndUnknownReplicasGiveNoFigure() {
        read("a", 10, 0, LIMIT / 4);
        read("a", 11, 0.25, LIMIT / 4);

        ResourceSamples.Usage later = samples.mean(List.of(replica("a")), QUARTER_CPU, LIMIT, 30 * SECOND);
        ResourceSamples.Usage other = samples.mean(List.of(replica("z")), QUARTER_CPU, LIMIT, 11 * SECOND);

        assertThat(later).isEqualTo(ResourceSamples.Usage.NONE);
        assertThat(other).isEqualTo(ResourceSamples.Usage.NONE);
    }

    @Test
    void aDecisionWaitsUntilEveryStatsTargetHasAFigure() {
        Autoscale cpuAndRate = new Autoscale(1, 3, Map.of(Autoscale.Target.CPU_PERCENT, 50.0,
                Autoscale.Target.REQUESTS_PER_SECOND, 10.0), Autoscale.Behavior.UP, Autoscale.Behavior.DOWN);
        Autoscale rateOnly = new Autoscale(1, 3, Map.of(Autoscale.Target.REQUESTS_PER_SECOND, 10.0),
                Autoscale.Behavior.UP, Autoscale.Behavior.DOWN);

        assertThat(new ResourceSamples.Usage(-1, 20).complete(cpuAndRate)).isFalse();
        assertThat(new ResourceSamples.Usage(40, -1).complete(cpuAndRate)).isTrue();
        assertThat(ResourceSamples.Usage.NONE.complete(rateOnly)).isTrue();
    }
}
