package io.jenkins.plugins.slipway.runner.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** CPU and memory in percent of the limits, from two stats readings as {@code docker stats} computes them. */
class UsageSampleTest {
    private static final long QUARTER_CPU = 250_000_000L;
    private static final long MiB = 1024 * 1024;
    private static final long SECOND = 1_000_000_000L;

    @Test
    void cpuIsTheReplicasShareOfTheMachinesRiseTimesItsCpusRelativeToTheLimit() {
        // One second on a machine of 2 CPUs: the machine's counter rises by 2 CPU-seconds.
        UsageSample before = new UsageSample(1_000_000_000L, 100_000_000_000L, 2, 0);
        UsageSample busy = new UsageSample(1_250_000_000L, 102_000_000_000L, 2, 0);
        UsageSample half = new UsageSample(1_125_000_000L, 102_000_000_000L, 2, 0);

        // 0.25 CPU-seconds in that second: 25% of one CPU, all of a limit of 0.25 CPU, half of 0.5.
        assertThat(UsageSample.cpuPercentOfLimit(before, busy, SECOND, QUARTER_CPU)).isCloseTo(100, within(1e-9));
        assertThat(UsageSample.cpuPercentOfLimit(before, busy, SECOND, 2 * QUARTER_CPU)).isCloseTo(50, within(1e-9));
        assertThat(UsageSample.cpuPercentOfLimit(before, half, SECOND, QUARTER_CPU)).isCloseTo(50, within(1e-9));
        assertThat(UsageSample.cpuPercentOfLimit(before, before, 0, QUARTER_CPU)).as("same reading").isEqualTo(-1);
        assertThat(UsageSample.cpuPercentOfLimit(busy, before, SECOND, QUARTER_CPU)).as("counters went back")
                .isEqualTo(-1);
        assertThat(UsageSample.cpuPercentOfLimit(before, busy, SECOND, 0)).as("no limit").isEqualTo(-1);
    }

    @Test
    void withoutTheMachinesCounterTheTimeBetweenTheReadingsStandsForIt() {
        // Docker 20.10's one-shot stats: no system_cpu_usage, no online_cpus.
        UsageSample before = new UsageSample(1_000_000_000L, 0, 0, 0);
        UsageSample after = new UsageSample(1_375_000_000L, 0, 0, 0);

        // 0.375 CPU-seconds in 1.5 s: a quarter of one CPU, all of a limit of 0.25 CPU.
        assertThat(UsageSample.cpuPercentOfLimit(before, after, 1_500_000_000L, QUARTER_CPU))
                .isCloseTo(100, within(1e-9));
        assertThat(UsageSample.cpuPercentOfLimit(before, after, 0, QUARTER_CPU)).isEqualTo(-1);
    }

    @Test
    void aReplicaOverItsLimitShowsOverAHundredAsDockerStatsDoes() {
        // A limit is enforced per period, so a short overshoot between readings shows, as in docker stats.
        UsageSample before = new UsageSample(0, 1_000_000_000L, 4, 0);
        UsageSample after = new UsageSample(300_000_000L, 5_000_000_000L, 4, 0);

        assertThat(UsageSample.cpuPercentOfLimit(before, after, SECOND, QUARTER_CPU)).isCloseTo(120, within(1e-9));
    }

    @Test
    void memoryIsTheUseInPercentOfTheLimit() {
        UsageSample s = new UsageSample(0, 0, 1, 16 * MiB);

        assertThat(s.memoryPercentOf(64 * MiB)).isCloseTo(25, within(1e-9));
        assertThat(s.memoryPercentOf(0)).isEqualTo(-1);
    }
}
