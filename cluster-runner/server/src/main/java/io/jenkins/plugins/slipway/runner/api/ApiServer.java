package io.jenkins.plugins.slipway.runner.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.jenkins.plugins.slipway.runner.Json;
import io.jenkins.plugins.slipway.runner.access.Caller;
import io.jenkins.plugins.slipway.runner.api.tls.TlsSettings;
import io.jenkins.plugins.slipway.runner.client.ApiError;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
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
 * The runner's HTTP API on the JDK's server with a bounded pool: JSON in and out, every request let in or
 * refused by a {@link Guard} before it is routed and reported to it once answered, {@link ApiError} bodies for
 * every refusal.
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

    /**
     * What the guard sees of a request.
     *
     * @param header a request header by name, null when absent
     * @param remote the caller's address
     */
    public record Request(String method, String path, Function<String, String> header, String remote) {
    }

    /** Decides who may make a request, and hears how each was answered (the audit log). */
    public interface Guard {
        /**
         * The caller a request comes from, null when the path needs none.
         *
         * @throws ApiException 401 without a valid token, 403 when the token may not do this
         */
        @CheckForNull Caller admit(Request request);

        /** The request was answered with {@code status}; {@code buildUrl} is what the handler learnt of it. */
        void answered(Request request, @CheckForNull Caller caller, int status, @CheckForNull String buildUrl);
    }

    private final HttpServer server;
    private final ThreadPoolExecutor pool;
    private final Guard guard;
    private final List<Route> routes = new ArrayList<>();

    public ApiServer(String host, int port, Guard guard, @CheckForNull TlsSettings tls) throws IOException {
        this.guard = guard;
        this.server = tls == null ? HttpServer.create(new InetSocketAddress(host, port), 64)
                : tls.httpsServer(new InetSocketAddress(host, port), 64);
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
        Request request = new Request(http.getRequestMethod(), path, http.getRequestHeaders()::getFirst,
                http.getRemoteAddress().getAddress().getHostAddress());
        Caller caller = null;
        Exchange exchange = null;
        int status = 500;
        try {
            caller = guard.admit(request);
            boolean pathKnown = false;
            for (Route r : routes) {
                Matcher m = r.path().matcher(path);
                if (m.matches()) {
                    pathKnown = true;
                    if (r.method().equals(http.getRequestMethod())) {
                        exchange = new Exchange(http, m, caller);
                        r.handler().handle(exchange);
                        status = exchange.status();
                        return;
                    }
                }
            }
            throw pathKnown ? new ApiException(405, http.getRequestMethod() + " is not allowed on " + path)
                    : new ApiException(404, "no such endpoint: " + path);
        } catch (ApiException e) {
            status = e.status();
            error(http, e.status(), e.error());
        } catch (RuntimeException | IOException e) {
            LOG.warn("{} {} failed", http.getRequestMethod(), path, e);
            error(http, 500, new ApiError("internal error: " + e.getMessage(), List.of()));
        } finally {
            http.close();
            guard.answered(request, caller, status, exchange == null ? null : exchange.buildUrl());
        }
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
