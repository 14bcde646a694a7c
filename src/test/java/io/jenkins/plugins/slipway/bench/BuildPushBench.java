package io.jenkins.plugins.slipway.bench;

import io.jenkins.plugins.slipway.build.SlipwayBuildStep;
import io.jenkins.plugins.slipway.push.SlipwayPushStep;
import io.jenkins.plugins.slipway.testing.DockerFixture;
import io.jenkins.plugins.slipway.testing.TestStepContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Build + push of the same small image, through slipwayBuild/slipwayPush (the step executions, in this JVM)
 * and through the docker CLI, alternating (and alternating which goes first), on the same engine and registry. Each run changes one small
 * file so the build makes a new layer and the push uploads it. The CLI gets the same labels the step adds.
 * Run by bench/build-push/run.sh; not a test.
 */
public final class BuildPushBench {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        Path dir = Files.createTempDirectory("slipway-bench");
        DockerFixture.context(dir, "FROM scratch\nCOPY busybox /bin/sh\nCOPY stamp /stamp\n");
        String stepRepo = DockerFixture.REPO_PREFIX + "bench-step";
        String cliRepo = DockerFixture.REPO_PREFIX + "bench-cli";
        List<Long> step = new ArrayList<>();
        List<Long> cli = new ArrayList<>();
        try {
            // One warm-up of each (class loading, first connection), not counted.
            for (int i = 0; i <= runs; i++) {
                // Alternate which goes first so drift in the machine's load hits both alike.
                long s;
                long c;
                if (i % 2 == 0) {
                    s = timeStep(dir, stepRepo, "r" + i);
                    c = timeCli(dir, cliRepo, "r" + i);
                } else {
                    c = timeCli(dir, cliRepo, "r" + i);
                    s = timeStep(dir, stepRepo, "r" + i);
                }
                if (i > 0) {
                    step.add(s);
                    cli.add(c);
                }
                System.out.printf("run %d: step %d ms, cli %d ms%s%n", i, s, c, i == 0 ? " (warm-up)" : "");
            }
        } finally {
            DockerFixture.removeImages(stepRepo);
            DockerFixture.removeImages(cliRepo);
        }
        long ms = median(step);
        long mc = median(cli);
        System.out.printf("%nruns: %d (after 1 warm-up each)%n", runs);
        System.out.printf("| path | median ms | min ms | max ms |%n|---|---|---|---|%n");
        System.out.printf("| slipwayBuild + slipwayPush | %d | %d | %d |%n", ms, Collections.min(step), Collections.max(step));
        System.out.printf("| docker build + docker push | %d | %d | %d |%n", mc, Collections.min(cli), Collections.max(cli));
        System.out.printf("ratio step/cli (medians): %.2f%n", (double) ms / mc);
    }

    private static long timeStep(Path dir, String repo, String tag) throws Exception {
        Files.writeString(dir.resolve("stamp"), "step " + tag + " " + System.nanoTime() + "\n");
        long start = System.nanoTime();
        SlipwayBuildStep build = new SlipwayBuildStep(repo);
        build.setTags(List.of(tag));
        @SuppressWarnings("unchecked")
        Map<String, Object> built = (Map<String, Object>) TestStepContext.in(dir.toFile()).run(build, TIMEOUT);
        SlipwayPushStep push = new SlipwayPushStep();
        push.setBuild(built);
        TestStepContext.in(dir.toFile()).run(push, TIMEOUT);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static long timeCli(Path dir, String repo, String tag) throws Exception {
        Files.writeString(dir.resolve("stamp"), "cli " + tag + " " + System.nanoTime() + "\n");
        long start = System.nanoTime();
        String created = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        exec("docker", "build", "-q", "--label", "org.opencontainers.image.created=" + created, "-t", repo + ":" + tag, dir.toString());
        exec("docker", "push", "-q", repo + ":" + tag);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** Runs to its end within {@link #TIMEOUT}; output to a file, so that the deadline holds even if it hangs. */
    private static void exec(String... command) throws Exception {
        Path log = Files.createTempFile("slipway-bench-", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("DOCKER_BUILDKIT", "0");
        Process p = pb.start();
        try {
            if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " took longer than " + TIMEOUT);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + Files.readString(log));
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
