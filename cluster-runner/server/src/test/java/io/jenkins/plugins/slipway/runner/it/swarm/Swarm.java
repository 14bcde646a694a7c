package io.jenkins.plugins.slipway.runner.it.swarm;

import io.jenkins.plugins.slipway.runner.it.Docker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real multi-node Docker Swarm on this machine, made by {@code scripts/swarm-up.sh} and removed by
 * {@code scripts/swarm-down.sh} (see docs/swarm.md): the local engine is the manager (zone a) and each worker is a
 * dockerd of its own in a network namespace (zones b, c, ...), reached through its own socket.
 *
 * <p>ITs run under the IT lock ({@code flock /tmp/slipway-it.lock mvn ...}) or alone in CI, so the scripts are told
 * that the lock is held: taking it again would wait for ourselves.
 */
public final class Swarm implements AutoCloseable {
    /** The manager's address on the swarm's bridge; worker I is at {@code 10.213.0.(10+I)}. */
    public static final String MANAGER_ADDRESS = "10.213.0.1";
    private static final Duration SCRIPT_DEADLINE = Duration.ofMinutes(3);

    private final int workers;
    private final Duration upTime;

    private Swarm(int workers, Duration upTime) {
        this.workers = workers;
        this.upTime = upTime;
    }

    /** Brings up the local engine plus {@code workers} worker engines; on failure, removes what was made. */
    public static Swarm up(int workers) throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            script("swarm-up.sh", String.valueOf(workers));
        } catch (IOException | RuntimeException e) {
            down();
            throw e;
        }
        return new Swarm(workers, Duration.ofNanos(System.nanoTime() - start));
    }

    /** Removes every worker and makes the local engine leave the swarm; a no-op when there is none. */
    public static void down() throws IOException, InterruptedException {
        script("swarm-down.sh");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        down();
    }

    /** How long {@code swarm-up.sh} took. */
    public Duration upTime() {
        return upTime;
    }

    public int workers() {
        return workers;
    }

    /** Address of worker {@code i} (1-based) on the bridge, reachable from this host. */
    public static String workerAddress(int i) {
        return "10.213.0." + (10 + i);
    }

    /** Node name (hostname) of worker {@code i}; the manager's is this machine's hostname. */
    public static String workerName(int i) {
        return "slw-w" + i;
    }

    /** Runs the docker CLI against worker {@code i}'s own engine. */
    public static String worker(int i, String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("-H", "unix:///run/slw/w" + i + "/docker.sock"));
        all.addAll(List.of(args));
        return Docker.run(all.toArray(String[]::new));
    }

    /**
     * Makes a Swarm secret by hand, as a user does before {@code docker stack deploy} (its value through stdin, so it
     * is in no command line), replacing one of that name left by an earlier run.
     */
    public static void createSecret(String name, String value) throws IOException, InterruptedException {
        try {
            Docker.run("secret", "rm", name);
        } catch (IOException none) {
            // none was left
        }
        Process p = new ProcessBuilder("docker", "secret", "create", name, "-").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("docker secret create " + name + " failed: " + out);
        }
    }

    /**
     * Fails worker {@code i} as a machine would: {@code kill -9} of its dockerd and its link cut. Its containers go
     * on running, unreachable, as on a partitioned node.
     */
    public static void killWorker(int i) throws IOException, InterruptedException {
        String pid = Files.readString(Path.of("/run/slw/w" + i + "/docker.pid")).trim();
        exec(List.of("kill", "-9", pid));
        exec(List.of("ip", "link", "set", "slw-w" + i + "h", "down"));
    }

    private static void script(String name, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", repoRoot().resolve("scripts").resolve(name).toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("SLIPWAY_IT_LOCK_HELD", "1");
        exec(pb);
    }

    private static void exec(List<String> cmd) throws IOException, InterruptedException {
        exec(new ProcessBuilder(cmd));
    }

    /** Runs to its end with a deadline; output to a file, since daemons it starts must not hold our pipe open. */
    private static void exec(ProcessBuilder pb) throws IOException, InterruptedException {
        Path log = Files.createTempFile("slipway-swarm-", ".log");
        Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(SCRIPT_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", pb.command()) + " took longer than " + SCRIPT_DEADLINE
                    + ":\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        System.out.print(out);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", pb.command()) + " failed (" + p.exitValue() + "):\n" + out);
        }
    }

    private static Path repoRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("scripts/swarm-up.sh"))) {
                return dir;
            }
        }
        throw new IllegalStateException("scripts/swarm-up.sh not found above " + Path.of("").toAbsolutePath());
    }
}
