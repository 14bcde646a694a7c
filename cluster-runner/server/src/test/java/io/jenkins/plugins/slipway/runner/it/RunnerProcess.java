package io.jenkins.plugins.slipway.runner.it;

import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.runner.client.HttpRunnerClient;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A real runner: {@code java -jar slipway-runner.jar serve} on a loopback port of the 18000-18999 range. */
public final class RunnerProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path dataDir;
    private final int port;
    private final Path log;
    private final List<String> options;
    private Process process;
    /** How many starts the log told of before the latest launch: a relaunch over TLS waits for one more. */
    private int startsBefore;

    private RunnerProcess(Path dataDir, int port, List<String> options) {
        this.dataDir = dataDir;
        this.port = port;
        this.log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        this.options = List.copyOf(options);
    }

    /** Where the API of a runner started without a port range listens: a free port of these. */
    public static final int API_PORTS_FROM = 18700;
    public static final int API_PORTS_TO = 18799;

    /** Starts a runner with a fresh data dir. */
    public static RunnerProcess start(String name) throws IOException {
        return start(name, API_PORTS_FROM, API_PORTS_TO);
    }

    /** Starts a runner with a fresh data dir, its API on a free port of {@code [from, to]}. */
    public static RunnerProcess start(String name, int from, int to) throws IOException {
        return start(name, from, to, List.of());
    }

    /** Starts a runner with a fresh data dir and more {@code serve} options ({@code --tls-self-signed}, ...). */
    public static RunnerProcess start(String name, int from, int to, List<String> options) throws IOException {
        // Under target/ so that scripts/check-no-secrets.sh reads the runner's log with the suite's other logs.
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "it-runners")), name + "-");
        RunnerProcess r = new RunnerProcess(dir.resolve("data"), freePort(from, to), options);
        r.launch();
        return r;
    }

    /** Starts a runner on {@code dataDir} (which may be a mount point; its log goes beside it), API port in {@code [from, to]}. */
    public static RunnerProcess startIn(Path dataDir, int from, int to) throws IOException {
        RunnerProcess r = new RunnerProcess(dataDir, freePort(from, to), List.of());
        r.launch();
        return r;
    }

    /** Starts the runner process (again) on the same data dir and port. */
    public void launch() throws IOException {
        String jar = System.getProperty("slipway.runner.jar", "../target/slipway-runner.jar");
        if (!new File(jar).isFile()) {
            throw new IllegalStateException("runner jar " + jar + " not built: run mvn package first");
        }
        // Times in the log, so that a failed IT tells how long each step took.
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx256m", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS", "-jar", jar, "serve",
                "--port", String.valueOf(port), "--data", dataDir.toString(), "--token-file", tokenFile().toString()));
        cmd.addAll(options);
        startsBefore = startsLogged();
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        // A cold start (JVM, Flyway, engine adoption) takes seconds on a quiet box and far more beside other builds.
        // Seen at 75 s beside seven other builds (load 45 on 2 cores): the limit only catches a runner that never starts.
        await("runner on port " + port + " answers /healthz").atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofMillis(100)).until(this::healthy);
    }

    private int startsLogged() {
        return logText().split("slipway-runner: serving on https://", -1).length - 1;
    }

    private boolean healthy() {
        if (!process.isAlive()) {
            throw new IllegalStateException("runner exited with " + process.exitValue() + "; log: " + logText());
        }
        if (tls()) {
            // Over TLS the client would need the certificate first (and, for mutual TLS, one of its own): the
            // runner's own word that it serves is enough here; the tests check the connection themselves.
            return startsLogged() > startsBefore;
        }
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/healthz")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public String url() {
        return (tls() ? "https" : "http") + "://127.0.0.1:" + port;
    }

    private boolean tls() {
        return options.contains("--tls-self-signed") || options.contains("--tls-cert");
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return log;
    }

    /** The SHA-256 fingerprint of its TLS certificate, as the runner printed it at its latest start. */
    public String fingerprint() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("TLS certificate SHA-256 fingerprint ([0-9A-F:]{95})")
                .matcher(logText());
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        if (last == null) {
            throw new IllegalStateException("the runner printed no fingerprint; log: " + logText());
        }
        return last;
    }

    /** The admin token file, beside the data dir (which keeps only the token's hash). */
    public Path tokenFile() {
        return dataDir.resolveSibling("token");
    }

    public String token() throws IOException {
        return SecretsUsed.record(Files.readString(tokenFile()).trim());
    }

    public RunnerClient client() throws IOException {
        return HttpRunnerClient.builder(url()).withToken(token()).withRequestTimeout(Duration.ofSeconds(30)).build();
    }

    /** The process id of the runner as last launched (for /proc figures). */
    public long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook runs, as in a crash. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
        removeLeftNetworks();
    }

    /**
     * Removes the networks this runner made that no container uses any more (best effort): a test's runner stops
     * before it has removed a deleted app's networks, and the engine has only a few dozen address pools to give
     * the whole suite.
     */
    private void removeLeftNetworks() throws InterruptedException {
        try {
            Path idFile = dataDir().resolve("runner-id");
            if (!Files.exists(idFile)) {
                return;
            }
            String id = Files.readString(idFile).trim();
            for (String network : Docker.run("network", "ls", "-q", "--filter", "label=io.slipway.runner=" + id)
                    .lines().filter(l -> !l.isBlank()).toList()) {
                try {
                    Docker.run("network", "rm", network);
                } catch (IOException e) {
                    // still in use by a container the test keeps: left to the engine
                }
            }
        } catch (IOException e) {
            // the engine does not answer: nothing to clean up there
        }
    }

    /** A loopback port of {@code [from, to]} nobody listens on now. */
    public static int freePort(int from, int to) {
        int span = to - from + 1;
        int start = (int) (Math.random() * span);
        for (int i = 0; i < span; i++) {
            int port = from + (start + i) % span;
            try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException e) {
                // taken, try the next
            }
        }
        throw new IllegalStateException("no free port in " + from + "-" + to);
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
