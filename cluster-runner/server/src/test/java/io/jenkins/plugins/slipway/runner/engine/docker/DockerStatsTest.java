package io.jenkins.plugins.slipway.runner.engine.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.slipway.runner.engine.UsageSample;
import org.junit.jupiter.api.Test;

/** The counters of an Engine API stats answer, on cgroup v1 and v2, memory counted as {@code docker stats} does. */
class DockerStatsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void cgroupV2MemoryLeavesOutTheInactiveFileCache() throws Exception {
        UsageSample s = DockerStats.parse(JSON.readTree("""
                {"read": "2026-12-02T13:00:00Z",
                 "cpu_stats": {"cpu_usage": {"total_usage": 5000000, "usage_in_kernelmode": 1000},
                               "system_cpu_usage": 900000000000, "online_cpus": 2},
                 "precpu_stats": {"cpu_usage": {"total_usage": 0}},
                 "memory_stats": {"usage": 3000000, "limit": 67108864,
                                  "stats": {"inactive_file": 1000000, "anon": 1500000}}}
                """));

        assertThat(s).isEqualTo(new UsageSample(5_000_000L, 900_000_000_000L, 2, 2_000_000L));
    }

    @Test
    void cgroupV1MemoryLeavesOutTotalInactiveFileAndCpusComeFromPerCpuWithoutOnlineCpus() throws Exception {
        UsageSample s = DockerStats.parse(JSON.readTree("""
                {"cpu_stats": {"cpu_usage": {"total_usage": 7, "percpu_usage": [3, 4, 0, 0]},
                               "system_cpu_usage": 100},
                 "memory_stats": {"usage": 5000, "stats": {"total_inactive_file": 1000, "cache": 2000}}}
                """));

        assertThat(s).isEqualTo(new UsageSample(7, 100, 4, 4000));
    }

    @Test
    void aCacheLargerThanTheUsageLeavesTheUsage() throws Exception {
        UsageSample s = DockerStats.parse(JSON.readTree("""
                {"cpu_stats": {"cpu_usage": {"total_usage": 1}, "system_cpu_usage": 2, "online_cpus": 1},
                 "memory_stats": {"usage": 500, "stats": {"inactive_file": 900}}}
                """));

        assertThat(s.memoryBytes()).isEqualTo(500);
    }
}
