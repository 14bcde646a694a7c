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
 * A registry that requires a login: {@code docker-registry serve} with htpasswd auth on a free loopback
 * port in 17000-17999 (the plugin foundation's range), started by a test and stopped after it.
 * dockerd allows plain HTTP to it because 127.0.0.0/8 is always an insecure registry.
 */
public final class AuthRegistry implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    private AuthRegistry(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static AuthRegistry start(Path dir, String username, String password) throws IOException {
        Files.createDirectories(dir.resolve("storage"));
        Files.writeString(dir.resolve("htpasswd"), username + ":" + BCrypt.hashpw(password, BCrypt.gensalt(10)) + "\n");
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
                "auth:",
                "  htpasswd:",
                "    realm: slipway-it",
                "    path: " + dir.resolve("htpasswd"),
                ""));
        Process p = new ProcessBuilder("docker-registry", "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("registry.log").toFile())
                .start();
        AuthRegistry registry = new AuthRegistry(p, port, dir);
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(registry::answers);
        } catch (RuntimeException e) {
            registry.close();
            throw new IOException("registry did not start; see " + dir.resolve("registry.log"), e);
        }
        return registry;
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
            return status == 401;
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
