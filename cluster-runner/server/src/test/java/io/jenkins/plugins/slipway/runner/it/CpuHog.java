package io.jenkins.plugins.slipway.runner.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code stress-ng --cpu N} beside a test: every core kept busy by another process, as on a shared CI machine.
 * Bounded by its own {@code --timeout} even if the test JVM dies; {@link #close()} ends it and its workers.
 */
public final class CpuHog implements AutoCloseable {
    private final Process process;

    private CpuHog(Process process) {
        this.process = process;
    }

    /**
     * Starts {@code stress-ng --cpu workers} for at most {@code atMost}.
     *
     * @throws IllegalStateException when stress-ng is not installed (Debian: {@code apt-get install stress-ng})
     */
    public static CpuHog start(int workers, Duration atMost) throws IOException {
        if (!Files.isExecutable(Path.of("/usr/bin/stress-ng"))) {
            throw new IllegalStateException("stress-ng is not installed: apt-get install stress-ng");
        }
        Process p = new ProcessBuilder("stress-ng", "--cpu", String.valueOf(workers), "--timeout",
                atMost.toSeconds() + "s", "--quiet").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return new CpuHog(p);
    }

    /** The 1-minute load average, as {@code /proc/loadavg} gives it. */
    public static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        // stress-ng ends its workers when it gets SIGTERM; the descendants are ended too in case it could not.
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
