package io.jenkins.plugins.slipway.runner.it.faults;

import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.runner.it.Docker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Docker engine of the test's own, so that a test may {@code kill -9} it without touching the machine's engine
 * that other ITs use: its own data root, exec root (so its own containerd), pid file, unix socket and bridge
 * ({@code slwfNNN}, 10.217.NNN.0/24, no iptables rules: docker-proxy publishes ports on 127.0.0.1 and reaches
 * the containers over the bridge, which is on this host). Started again on the same data root, as a crashed
 * engine restarted by systemd would be. Live restore is off: the restart stops the containers the dead daemon
 * left running. Needs root.
 */
final class OwnDockerd implements AutoCloseable {
    private static final Duration START_LIMIT = Duration.ofSeconds(120);
    private static final int START_ATTEMPTS = 3;

    private final Path run;
    private final Path data;
    private final String bridge;
    private final Path log;
    private Process process;

    private OwnDockerd(Path run, Path data, String bridge, Path log) {
        this.run = run;
        this.data = data;
        this.bridge = bridge;
        this.log = log;
    }

    /** Makes a bridge and directories of its own and starts the daemon. */
    static OwnDockerd start(Path logDir) throws IOException, InterruptedException {
        int net = freeSubnet();
        // Short: containerd's socket paths under the exec root must stay under 108 characters.
        Path run = Files.createDirectories(Path.of("/run", "slwf" + net));
        Path data = Files.createDirectories(Path.of("/var/lib", "slipway-faults-" + net));
        Files.writeString(run.resolve("daemon.json"), "{}\n");
        String bridge = "slwf" + net;
        sh("ip link del " + bridge + " 2>/dev/null; ip link add " + bridge + " type bridge && ip addr add 10.217." + net
                + ".1/24 dev " + bridge + " && ip link set " + bridge + " up");
        OwnDockerd d = new OwnDockerd(run, data, bridge, Files.createDirectories(logDir).resolve("dockerd-" + net + ".log"));
        d.launch();
        return d;
    }

    /** {@code unix:///run/slwfNNN/docker.sock}: what the runner's {@code --docker-host} and the CLI's {@code -H} take. */
    String host() {
        return "unix://" + run.resolve("docker.sock");
    }

    /**
     * Starts the daemon (again) on the same data root; waits until it answers. dockerd gives its containerd a
     * fixed few seconds to start and exits when it misses them, which a saturated machine makes happen: a daemon
     * that exits before it answers is started again, as systemd would, a bounded number of times.
     */
    void launch() throws IOException {
        List<String> cmd = List.of("dockerd", "--host", host(), "--data-root", data.toString(),
                "--exec-root", run.resolve("exec").toString(), "--pidfile", run.resolve("docker.pid").toString(),
                "--config-file", run.resolve("daemon.json").toString(), "--bridge", bridge, "--iptables=false",
                "--ip-forward=false", "--ip-masq=false", "--live-restore=false");
        // No --default-address-pool: dockerd 20.10 started with one, without live restore, and finding its default
        // network from an earlier run in its data root (as after a crash) deletes the interface named docker0 -- the
        // machine's engine's, since this daemon shares its network namespace -- and every container started on
        // that engine's default bridge (Swarm tasks too) then fails. Its default pools (172.17.0.0/16 on) are free:
        // scripts/env-up.sh gives the machine's engine 10.240.0.0/12.
        for (int attempt = 1; ; attempt++) {
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            try {
                await("own dockerd on " + host() + " answers").atMost(START_LIMIT).pollInterval(Duration.ofMillis(200))
                        .until(this::answers);
                return;
            } catch (DaemonExited e) {
                if (attempt == START_ATTEMPTS) {
                    throw e;
                }
                System.out.println("FAULTS own dockerd exited before answering (attempt " + attempt + "): started again");
                for (long pid : pidsWith("--config " + run.resolve("exec"))) {
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
    }

    /** The daemon process ended before it answered. */
    private static final class DaemonExited extends IllegalStateException {
        DaemonExited(String message) {
            super(message);
        }
    }

    private boolean answers() {
        if (!process.isAlive()) {
            throw new DaemonExited("dockerd exited with " + process.exitValue() + "; see " + log);
        }
        try {
            docker("version", "--format", "{{.Server.Version}}");
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * SIGKILL to dockerd, as in a crash. Its containerd and docker-proxy processes die with it (they have a
     * parent-death signal); the containers' shims live on until the next start stops them.
     */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
        await("own containerd gone with its dockerd").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> pidsWith("--config " + run.resolve("exec")).isEmpty());
    }

    /** Copies an image of the machine's engine into this one. */
    void load(String image) throws IOException, InterruptedException {
        sh("docker save " + image + " | docker -H " + host() + " load -q >/dev/null");
    }

    /** Runs the docker CLI against this daemon. */
    String docker(String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("-H", host()));
        all.addAll(List.of(args));
        return Docker.run(all.toArray(String[]::new));
    }

    /** Every container of an app: "name revision state" per line, sorted, the runner id cut off the name. */
    List<String> containers(String app) throws IOException, InterruptedException {
        return docker("ps", "-a", "--filter", "label=io.slipway.app=" + app, "--format",
                "{{.Names}} {{.Label \"io.slipway.revision\"}} {{.State}}")
                .lines().filter(l -> !l.isBlank()).map(l -> l.replaceFirst("^(\\S+)-[0-9a-f]{12} ", "$1 ")).sorted().toList();
    }

    Path log() {
        return log;
    }

    /** Removes every container, stops the daemon and whatever it left, deletes its bridge and directories. */
    @Override
    public void close() throws Exception {
        try {
            if (process != null && process.isAlive()) {
                String ids = docker("ps", "-aq");
                for (String id : ids.lines().filter(l -> !l.isBlank()).toList()) {
                    docker("rm", "-f", id);
                }
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor();
                }
            }
        } finally {
            // Shims of containers a killed daemon left (when the test failed between a kill and a start).
            for (long pid : pidsWith(run.resolve("exec").toString())) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            // The exec root holds containers' network namespaces as mounts too.
            sh("grep -o ' \\(" + data + "\\|" + run + "\\)[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l; ip link del " + bridge
                    + " 2>/dev/null; rm -rf " + data + " " + run);
        }
    }

    /** Processes whose command line contains {@code text}. */
    private static List<Long> pidsWith(String text) {
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            return all.filter(p -> p.info().commandLine().map(c -> c.contains(text)).orElse(false))
                    .map(ProcessHandle::pid).toList();
        }
    }

    /** A /24 of 10.217.0.0/16 on no interface of this host (so parallel runs do not collide). */
    private static int freeSubnet() throws IOException, InterruptedException {
        String addrs = sh("ip -4 -o addr show");
        int start = ThreadLocalRandom.current().nextInt(1, 250);
        for (int i = 0; i < 250; i++) {
            int n = 1 + (start + i) % 250;
            if (!addrs.contains(" 10.217." + n + ".") && !Files.exists(Path.of("/run", "slwf" + n))) {
                return n;
            }
        }
        throw new IllegalStateException("no free 10.217.N.0/24");
    }

    static String sh(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-o", "pipefail", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(script + ": took longer than 180 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(script + ": failed (root needed): " + out);
        }
        return out;
    }
}
