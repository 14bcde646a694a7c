package io.jenkins.plugins.slipway.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.mindrot.jbcrypt.BCrypt;

/**
 * A registry of a test's own: {@code docker-registry serve} on a free loopback port in 17000-17999 (the
 * plugin foundation's range), with htpasswd auth or without, started by a test and stopped after it; never
 * the shared registry on 127.0.0.1:5000. It can be stopped and started again on the same port and storage,
 * as a registry that goes down and comes back. dockerd allows plain HTTP to it because 127.0.0.0/8 is
 * always an insecure registry.
 */
public final class AuthRegistry implements AutoCloseable {
    private volatile Process process;
    private final int port;
    private final Path dir;
    private final boolean authenticates;

    private AuthRegistry(int port, Path dir, boolean authenticates) {
        this.port = port;
        this.dir = dir;
        this.authenticates = authenticates;
    }

    /** A registry that requires this user's login. */
    public static AuthRegistry start(Path dir, String username, String password) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("htpasswd"), username + ":" + BCrypt.hashpw(password, BCrypt.gensalt(10)) + "\n");
        return start(dir, true);
    }

    /** A registry anyone may push to. */
    public static AuthRegistry startAnonymous(Path dir) throws IOException {
        return start(dir, false);
    }

    private static AuthRegistry start(Path dir, boolean authenticates) throws IOException {
        Files.createDirectories(dir.resolve("storage"));
        int port = freePort();
        Files.writeString(dir.resolve("config.yml"), String.join("\n",
                "version: 0.1",
                "log:",
                "  level: warn",
                "storage:",
                "  filesystem:",
                "    rootdirectory: " + dir.resolve("storage"),
                "http:",
                "  addr: 127.0.0.1:" + port,
                authenticates ? "auth:\n  htpasswd:\n    realm: slipway-it\n    path: " + dir.resolve("htpasswd") : "",
                ""));
        AuthRegistry registry = new AuthRegistry(port, dir, authenticates);
        registry.resume();
        return registry;
    }

    /** Stops the registry process; its port then refuses connections until {@link #resume()}. */
    public void stop() {
        close();
    }

    /** Starts the registry (again) on its port and storage and waits until it answers. */
    public void resume() throws IOException {
        process = new ProcessBuilder("docker-registry", "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("registry.log").toFile()))
                .start();
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(this::answers);
        } catch (RuntimeException e) {
            close();
            throw new IOException("registry did not start; see " + dir.resolve("registry.log"), e);
        }
    }

    /** host:port, as image references name it. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    private boolean answers() {
        if (!process.isAlive()) {
            throw new IllegalStateException("docker-registry exited with " + process.exitValue());
        }
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/")).timeout(Duration.ofSeconds(2)).build();
            int status = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status == (authenticates ? 401 : 200);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int freePort() throws IOException {
        for (int i = 0; i < 50; i++) {
            int candidate = 17000 + ThreadLocalRandom.current().nextInt(1000);
            try (ServerSocket probe = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
                return probe.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port in 17000-17999");
    }

    @Override
    public void close() {
        Process process = this.process;
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
