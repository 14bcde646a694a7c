package io.jenkins.plugins.slipway.runner.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jenkins.plugins.slipway.runner.Json;
import io.jenkins.plugins.slipway.runner.client.ApiError;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's HTTP API on the JDK's server with a bounded pool: JSON in and out, a Bearer token on every
 * {@code /api/} call (compared in constant time), {@link ApiError} bodies for every refusal.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    /** Answers one matched request. */
    @FunctionalInterface
    interface Handler {
        void handle(Exchange exchange) throws IOException;
    }

    private record Route(String method, Pattern path, Handler handler) {
    }

    private final HttpServer server;
    private final ThreadPoolExecutor pool;
    private final byte[] token;
    private final List<Route> routes = new ArrayList<>();

    public ApiServer(String host, int port, String token) throws IOException {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.server = HttpServer.create(new InetSocketAddress(host, port), 64);
        // Event streams hold a thread each for as long as a release runs: the pool grows to 64 threads before
        // anything queues (a pool that queued first would starve short calls behind a few open streams).
        this.pool = new ThreadPoolExecutor(64, 64, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256), r -> {
            Thread t = new Thread(r, "slipway-api");
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        server.setExecutor(pool);
        server.createContext("/", this::dispatch);
    }

    void route(String method, String regex, Handler handler) {
        routes.add(new Route(method, Pattern.compile(regex), handler));
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void start() {
        server.start();
    }

    private void dispatch(HttpExchange http) {
        String path = http.getRequestURI().getPath();
        try {
            if (path.startsWith("/api/") && !authorised(http)) {
                throw new ApiException(401, "missing or wrong API token: send Authorization: Bearer <token>"
                        + " (the token is in the runner's data dir, file token)");
            }
            boolean pathKnown = false;
            for (Route r : routes) {
                Matcher m = r.path().matcher(path);
                if (m.matches()) {
                    pathKnown = true;
                    if (r.method().equals(http.getRequestMethod())) {
                        r.handler().handle(new Exchange(http, m));
                        return;
                    }
                }
            }
            throw pathKnown ? new ApiException(405, http.getRequestMethod() + " is not allowed on " + path)
                    : new ApiException(404, "no such endpoint: " + path);
        } catch (ApiException e) {
            error(http, e.status(), e.error());
        } catch (RuntimeException | IOException e) {
            LOG.warn("{} {} failed", http.getRequestMethod(), path, e);
            error(http, 500, new ApiError("internal error: " + e.getMessage(), List.of()));
        } finally {
            http.close();
        }
    }

    private boolean authorised(HttpExchange http) {
        String header = http.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(token, header.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }

    private static void error(HttpExchange http, int status, ApiError error) {
        try {
            byte[] body = Json.write(error).getBytes(StandardCharsets.UTF_8);
            http.getResponseHeaders().set("Content-Type", "application/json");
            http.sendResponseHeaders(status, body.length);
            try (OutputStream out = http.getResponseBody()) {
                out.write(body);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not send the {} answer: {}", status, e.toString());
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
