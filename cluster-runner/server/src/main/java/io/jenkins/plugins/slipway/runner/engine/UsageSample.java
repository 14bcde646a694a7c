package io.jenkins.plugins.slipway.runner.engine;

/**
 * One reading of a replica's resource counters, as {@code docker stats} reads them. CPU is cumulative, so a figure
 * needs two readings ({@link #cpuPercentOfLimit}); memory is a level, so one reading gives it.
 *
 * @param cpuNanos       CPU time the replica used since it started, in nanoseconds
 *                       ({@code cpu_stats.cpu_usage.total_usage})
 * @param systemCpuNanos CPU time of the whole machine, all CPUs summed, in nanoseconds ({@code system_cpu_usage});
 *                       0 when the engine does not say
 * @param onlineCpus     the machine's CPUs at the time of the reading ({@code online_cpus}); 0 when it does not say
 * @param memoryBytes    memory in use without the page cache the kernel can drop (as {@code docker stats} shows it)
 */
public record UsageSample(long cpuNanos, long systemCpuNanos, int onlineCpus, long memoryBytes) {

    /**
     * The CPU the replica used between two readings, in percent of its CPU limit, as {@code docker stats} computes
     * its CPU %: (Δ replica CPU / Δ machine CPU) × online CPUs × 100 is the percent of one CPU, and a limit of
     * {@code nanoCpus} billionths of a CPU is {@code nanoCpus / 1e9} CPUs of it. When the readings carry no machine
     * counter (Docker 20.10 leaves {@code system_cpu_usage} and {@code online_cpus} out of one-shot stats: its
     * collector adds them, and a one-shot reading skips the collector) the time between the readings stands for it:
     * Δ machine CPU / online CPUs is that time, so the figure is the same.
     *
     * @param wallNanos the time between the two readings, as the reader measured it
     * @return the percent, or -1 when the readings cannot tell (no time passed, or the counter went back because
     *         the replica was replaced in between)
     */
    public static double cpuPercentOfLimit(UsageSample before, UsageSample after, long wallNanos, long nanoCpus) {
        long cpu = after.cpuNanos - before.cpuNanos;
        if (cpu < 0 || nanoCpus <= 0) {
            return -1;
        }
        long system = after.systemCpuNanos - before.systemCpuNanos;
        double percentOfOneCpu;
        if (before.systemCpuNanos > 0 && system > 0 && after.onlineCpus > 0) {
            percentOfOneCpu = (double) cpu / system * after.onlineCpus * 100;
        } else if (wallNanos > 0) {
            percentOfOneCpu = (double) cpu / wallNanos * 100;
        } else {
            return -1;
        }
        return percentOfOneCpu / (nanoCpus / 1e9);
    }

    /** Memory in use in percent of a limit of {@code limitBytes}; -1 without a limit. */
    public double memoryPercentOf(long limitBytes) {
        return limitBytes <= 0 ? -1 : memoryBytes * 100.0 / limitBytes;
    }
}
