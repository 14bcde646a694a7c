package io.jenkins.plugins.slipway.testing;

import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.config.ClusterRunner;
import io.jenkins.plugins.slipway.config.SlipwayConfiguration;
import io.jenkins.plugins.slipway.runner.client.HttpRunnerClient;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real cluster runner process ({@code java -jar cluster-runner/target/slipway-runner.jar serve}) on a
 * loopback port with its own data dir, registered in the stand-in's global configuration as the default
 * runner with its token as a Secret text credential.
 */
public final class RunnerProcess implements AutoCloseable {
    public static final String TOKEN_CREDENTIAL_ID = "runner-token";

    private final Process process;
    private final int port;
    private final Path dataDir;
    private final Path logFile;
    private final List<String> options;

    private RunnerProcess(Process process, int port, Path dataDir, Path logFile, List<String> options) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.options = options;
    }

    /** Starts a runner on {@code port} with data in {@code dataDir} and waits until it answers /healthz. */
    public static RunnerProcess start(int port, Path dataDir) throws IOException {
        return start(port, dataDir, List.of());
    }

    /**
     * As {@link #start(int, Path)} with more {@code serve} options; with {@code --tls-self-signed} it waits for the
     * runner's word that it serves, the tests checking the TLS connection themselves.
     */
    public static RunnerProcess start(int port, Path dataDir, List<String> options) throws IOException {
        Path jar = runnerJar();
        try (java.net.ServerSocket probe = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            probe.setReuseAddress(true);
        } catch (IOException inUse) {
            throw new IllegalStateException("port " + port + " is in use, so a test runner cannot listen there;"
                    + " is a runner from an earlier run still alive? (ps -ef | grep slipway-runner)", inUse);
        }
        Files.createDirectories(dataDir);
        // Under target/ whatever the data dir: scripts/check-no-secrets.sh reads the suite's logs there.
        Path log = Files.createDirectories(Path.of("target", "runner-logs"))
                .resolve(dataDir.getFileName() + "-" + port + "-" + System.nanoTime() + ".log");
        List<String> cmd = new java.util.ArrayList<>(List.of(javaBin(), "-jar", jar.toString(), "serve", "--port",
                Integer.toString(port), "--data", dataDir.toString(), "--token-file", tokenFile(dataDir).toString()));
        cmd.addAll(options);
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        RunnerProcess runner = new RunnerProcess(p, port, dataDir, log, List.copyOf(options));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        try {
            await("runner on port " + port + " answers /healthz and wrote its token (log " + log + ")")
                    .atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!p.isAlive()) {
                            throw new IllegalStateException("runner exited with " + p.exitValue() + ":\n"
                                    + Files.readString(log));
                        }
                        if (runner.tls()) {
                            return Files.readString(log).contains("slipway-runner: serving on https://");
                        }
                        try {
                            return http.send(HttpRequest.newBuilder(URI.create(runner.url() + "/healthz")).build(),
                                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200
                                    && Files.isRegularFile(tokenFile(dataDir));
                        } catch (IOException e) {
                            return false;
                        }
                    });
        } catch (RuntimeException notUp) {
            // A runner that never answered must not keep the port for the next run.
            p.destroyForcibly();
            throw notUp;
        }
        return runner;
    }

    /** {@code kill -9}: the runner gets no chance to close its streams or save anything. */
    public void killHard() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /**
     * {@code kill -STOP}: the runner keeps its sockets open and answers nothing until {@link #thaw()}, as a
     * runner stuck in a long GC pause or on a swapping machine would.
     */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** {@code kill -CONT}: a frozen runner goes on where it stopped. */
    public void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** A new runner process on the same port and data dir, as after a crash and a restart. */
    public RunnerProcess restart() throws IOException {
        return start(port, dataDir, options);
    }

    /** Makes this runner the global configuration's only runner, named "local", with its token credential. */
    public RunnerProcess register() throws IOException {
        register(url(), token());
        return this;
    }

    /** Makes the runner at {@code url} the global configuration's only runner, named "local". */
    public static void register(String url, String token) {
        TestCredentials.secretText(TOKEN_CREDENTIAL_ID, token);
        ClusterRunner runner = new ClusterRunner("local", url);
        runner.setCredentialsId(TOKEN_CREDENTIAL_ID);
        SlipwayConfiguration.get().setRunners(List.of(runner));
    }

    /** Where the runner keeps its database, key and sealed secrets. */
    public Path dataDir() {
        return dataDir;
    }

    /** The runner's log (stdout and stderr). */
    public Path logFile() {
        return logFile;
    }

    public String url() {
        return (tls() ? "https" : "http") + "://127.0.0.1:" + port;
    }

    private boolean tls() {
        return options.contains("--tls-self-signed");
    }

    /** The SHA-256 fingerprint of the runner's certificate, as it printed it at start. */
    public String fingerprint() throws IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("TLS certificate SHA-256 fingerprint ([0-9A-F:]{95})")
                .matcher(Files.readString(logFile));
        if (!m.find()) {
            throw new IllegalStateException("the runner printed no fingerprint; see " + logFile);
        }
        return m.group(1);
    }

    public String token() throws IOException {
        return SecretsUsed.record(Files.readString(tokenFile(dataDir), StandardCharsets.UTF_8).trim());
    }

    /** The admin token file: beside the data dir, which holds only the token's hash. */
    private static Path tokenFile(Path dataDir) {
        return dataDir.resolveSibling(dataDir.getFileName() + "-token");
    }

    /**
     * Removes every container of these apps, whichever runner started them: containers a killed test runner
     * left behind would otherwise hold the names the next runner gives its replicas.
     */
    public static void removeAppContainers(List<String> apps) {
        try (com.github.dockerjava.api.DockerClient docker = DockerFixture.client()) {
            for (String app : apps) {
                for (com.github.dockerjava.api.model.Container c : docker.listContainersCmd().withShowAll(true)
                        .withLabelFilter(java.util.Map.of("io.slipway.app", app)).exec()) {
                    docker.removeContainerCmd(c.getId()).withForce(true).exec();
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (com.github.dockerjava.api.exception.NotFoundException alreadyGone) {
            // removed by the runner meanwhile
        }
    }

    /** Deletes the apps on this runner, waits until their containers are gone, and removes any left over. */
    public void deleteApps(List<String> apps) throws IOException {
        HttpRunnerClient client = client();
        for (String app : apps) {
            try {
                client.deleteApp(app);
            } catch (RuntimeException notThere) {
                // the test never created it, or already deleted it
            }
        }
        try (com.github.dockerjava.api.DockerClient docker = DockerFixture.client()) {
            await("containers of " + apps + " removed by the runner").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> apps.stream().allMatch(app -> docker.listContainersCmd().withShowAll(true)
                            .withLabelFilter(java.util.Map.of("io.slipway.app", app)).exec().isEmpty()));
        } finally {
            removeAppContainers(apps);
        }
    }

    /** A client with the runner's token, for a test to look at what the runner says. */
    public HttpRunnerClient client() throws IOException {
        return HttpRunnerClient.builder(url()).withToken(token()).build();
    }

    public String log() throws IOException {
        return Files.exists(logFile) ? Files.readString(logFile) : "";
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path runnerJar() {
        Path jar = Path.of(System.getProperty("slipway.runner.jar", "cluster-runner/target/slipway-runner.jar"))
                .toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the runner jar " + jar + " is missing: build it first with"
                    + " `mvn -f cluster-runner/pom.xml install` (scripts/test-all.sh does)");
        }
        return jar;
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
