package io.jenkins.plugins.slipway.runner.api;

import java.util.function.Function;
import io.jenkins.plugins.slipway.runner.access.Caller;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's HTTP API on Jetty (core handlers, no servlets): JSON in and out, a {@link Gate} on every
 * {@code /api/} call, {@link ApiError} bodies for every refusal, including those Jetty makes itself (413 for a
 * body over {@link ServerOptions#maxBodyBytes()}, 400 for an ambiguous or malformed URI, 431 for huge headers).
 * HTTP/1.1 is served, and HTTP/2 under TLS (chosen by ALPN). Plain HTTP stays HTTP/1.1 only: the JDK's
 * client (the plugin's) would otherwise upgrade every call to h2c, and a refusal sent before a body was read
 * then ends as a stream reset instead of the 413 or 400 it is.
 *
 * <p>Endpoints are added with {@link #route}; a handler answers through its {@link Exchange} and may throw
 * {@link ApiException} for a refusal. Any other exception becomes a 500 whose body says only "internal error"
 * and an id that the runner's log has beside the stack trace.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    /** Answers one matched request. */
    @FunctionalInterface
    public interface Handler {
        void handle(Exchange exchange) throws Exception;
    }

    /**
     * What the guard sees of an {@code /api/} request: one call of the API.
     *
     * @param header a request header by name, null when absent
     * @param remote the caller's address
     */
    public record Call(String method, String path, Function<String, String> header, String remote) {
    }

    /** Decides who may make an {@code /api/} request, and hears how each was answered (the audit log). */
    public interface Guard {
        /**
         * The caller a request comes from (null when the guard does not tell callers apart).
         *
         * @throws ApiException 401 without a valid credential, 403 for one without the right
         */
        @CheckForNull Caller admit(Call call);

        /** The request was answered with {@code status}; {@code buildUrl} is what the handler learnt of it. */
        void answered(Call call, @CheckForNull Caller caller, int status, @CheckForNull String buildUrl);
    }

    private record Route(String method, Pattern path, Handler handler) {
    }

    private final ServerOptions options;
    private final Server server;
    private final ServerConnector connector;
    private final ScheduledExecutorService keepalive;
    private final List<Route> routes = new ArrayList<>();
    private final org.eclipse.jetty.server.Handler.Sequence handlers = new org.eclipse.jetty.server.Handler.Sequence();
    private final Guard guard;
    /** Run before every request that may change something (not GET or HEAD); may throw to refuse it. */
    private volatile Runnable beforeChange = () -> { };

    /** A server with a single token: {@code Authorization: Bearer <token>}, compared in constant time. */
    public ApiServer(ServerOptions options, String token) {
        this(options, bearer(token));
    }

    /** A server whose {@code /api/} requests {@code guard} lets in or refuses. */
    public ApiServer(ServerOptions options, Guard guard) {
        this.options = Objects.requireNonNull(options, "options");
        this.guard = Objects.requireNonNull(guard, "guard");
        QueuedThreadPool pool = new QueuedThreadPool(options.maxThreads(), 4);
        pool.setName("slipway-api");
        pool.setDaemon(true);
        this.server = new Server(pool);
        this.connector = new ServerConnector(server, connectionFactories(options));
        connector.setHost(options.host());
        connector.setPort(options.port());
        connector.setIdleTimeout(options.idleTimeout().toMillis());
        server.addConnector(connector);
        handlers.addHandler(new Dispatcher());
        server.setHandler(new SizeLimitHandler(options.maxBodyBytes(), -1));
        ((SizeLimitHandler) server.getHandler()).setHandler(handlers);
        server.setErrorHandler(new JsonErrorHandler());
        server.setStopTimeout(2000);
        this.keepalive = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "slipway-api-keepalive");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs {@code check} before every request that may change something; a {@link
     * io.jenkins.plugins.slipway.runner.store.StoreException} it throws is answered as a failed write would be (the
     * runner checks the room left on its data disk here).
     */
    public void beforeChange(Runnable check) {
        this.beforeChange = Objects.requireNonNull(check, "check");
    }

    /** Plain HTTP on {@code host:port} with the default limits and the single-token gate. */
    public ApiServer(String host, int port, String token) {
        this(ServerOptions.plain(host, port), token);
    }

    private static ConnectionFactory[] connectionFactories(ServerOptions o) {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(16 * 1024);
        if (o.tls() == null) {
            return new ConnectionFactory[] {new HttpConnectionFactory(http)};
        }
        // Clients reach the runner by IP as often as by name: the certificate is checked by the client, not SNI.
        http.addCustomizer(new SecureRequestCustomizer(false));
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setSslContext(o.tls().sslContext());
        ssl.setNeedClientAuth(o.tls().needClientAuth());
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
        alpn.setDefaultProtocol("http/1.1");
        return new ConnectionFactory[] {new SslConnectionFactory(ssl, alpn.getProtocol()), alpn,
                new HTTP2ServerConnectionFactory(http), new HttpConnectionFactory(http)};
    }

    /** Adds an endpoint: {@code regex} matches the whole decoded path; its groups are {@link Exchange#param}. */
    public void route(String method, String regex, Handler handler) {
        routes.add(new Route(method, Pattern.compile(regex), handler));
    }

    /**
     * Answers paths outside {@code /api/} that no route has with {@code handler} (a Jetty handler, e.g. one serving
     * a dashboard); add before {@link #start()}. Paths it declines end in a JSON 404.
     */
    public void fallback(org.eclipse.jetty.server.Handler handler) {
        handlers.addHandler(handler);
    }

    /** Serves the files of the class path directory {@code classpathDir} on the paths outside {@code /api/}. */
    public void staticResources(String classpathDir) {
        ResourceHandler files = new ResourceHandler();
        files.setBaseResource(ResourceFactory.of(server).newClassLoaderResource(classpathDir));
        files.setDirAllowed(false);
        files.setWelcomeFiles("index.html");
        fallback(files);
    }

    public ServerOptions options() {
        return options;
    }

    public int port() {
        return connector.getLocalPort();
    }

    public void start() throws Exception {
        server.start();
    }

    ScheduledExecutorService keepaliveScheduler() {
        return keepalive;
    }

    private static Guard bearer(String token) {
        byte[] expected = token.getBytes(StandardCharsets.UTF_8);
        return new Guard() {
            @Override
            public Caller admit(Call call) {
                String header = call.header().apply("Authorization");
                if (header == null || !header.startsWith("Bearer ")
                        || !MessageDigest.isEqual(expected, header.substring(7).trim().getBytes(StandardCharsets.UTF_8))) {
                    throw new ApiException(401, "missing or wrong API token: send Authorization: Bearer <token>");
                }
                return null;
            }

            @Override
            public void answered(Call call, Caller caller, int status, String buildUrl) {
                // A single shared token names nobody: nothing to record.
            }
        };
    }

    /** Finds the route of a request and runs it; declines (for the fallback) outside /api/ when none matches. */
    private final class Dispatcher extends org.eclipse.jetty.server.Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            Exchange ex = new Exchange(ApiServer.this, request, response, callback);
            ApiServer.Call seen = path.startsWith("/api/")
                    ? new ApiServer.Call(request.getMethod(), path, ex::requestHeader, ex.remoteAddress()) : null;
            try {
                return dispatch(seen, ex, request, response, path);
            } finally {
                if (seen != null) {
                    guard.answered(seen, ex.caller(), ex.status(), ex.buildUrl());
                }
            }
        }

        private boolean dispatch(@CheckForNull ApiServer.Call seen, Exchange ex, Request request, Response response,
                                 String path) {
            try {
                if (seen != null) {
                    ex.caller(guard.admit(seen));
                }
                boolean pathKnown = false;
                for (Route r : routes) {
                    Matcher m = r.path().matcher(path);
                    if (m.matches()) {
                        pathKnown = true;
                        if (r.method().equals(request.getMethod())) {
                            if (!HttpMethod.GET.is(r.method()) && !HttpMethod.HEAD.is(r.method())) {
                                beforeChange.run();
                            }
                            ex.matched(m);
                            r.handler().handle(ex);
                            ex.finish();
                            return true;
                        }
                    }
                }
                if (!pathKnown && !path.startsWith("/api/") && handlers.getHandlers().size() > 1) {
                    return false;
                }
                throw pathKnown ? new ApiException(405, request.getMethod() + " is not allowed on " + path)
                        : new ApiException(404, "no such endpoint: " + path);
            } catch (ApiException e) {
                ex.fail(e.status(), e.error());
            } catch (StoreException e) {
                if (!e.diskFull() && !e.databaseClosed()) {
                    ex.fail(500, internalError(request.getMethod() + " " + path, e));
                    return true;
                }
                LOG.warn("{} {} refused: {}", request.getMethod(), path, e.diskFull() ? "the data disk is full"
                        : "the database is being opened again after a failed write");
                response.getHeaders().put("Retry-After", "30");
                ex.fail(503, new ApiError(e.diskFull()
                        ? "the runner's data disk is full (No space left on device): nothing was changed; free space"
                        + " in the data dir and retry, the runner recovers by itself"
                        : "the runner's database is being opened again after a failed write (is the data disk full?):"
                        + " nothing was changed; retry", List.of()));
            } catch (Exception | StackOverflowError e) {
                ex.fail(500, internalError(request.getMethod() + " " + path, e));
            }
            return true;
        }
    }

    /** Logs {@code e} under a fresh id and gives the answer that names only the id. */
    static ApiError internalError(String what, Throwable e) {
        String id = java.util.UUID.randomUUID().toString().substring(0, 8);
        LOG.error("internal error {} on {}", id, what, e);
        return new ApiError("internal error " + id + " (the runner's log has the details under this id)", List.of());
    }

    /** Jetty's own refusals (bad URI, body too large, headers too large, no handler) as {@link ApiError} JSON. */
    private final class JsonErrorHandler extends org.eclipse.jetty.server.handler.ErrorHandler {
        /** Jetty writes error bodies for GET and POST only by default; every API refusal has one. */
        @Override
        public boolean errorPageForMethod(String method) {
            return true;
        }

        @Override
        protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                        Callback callback) {
            ApiError error;
            if (code == 505) {
                // An HTTP/0.9 or unknown-version request is the client's mistake, not the runner's failure.
                code = 400;
                error = new ApiError("unsupported HTTP version: send HTTP/1.1 or HTTP/2", List.of());
            } else if (code >= 500) {
                error = internalError(request.getMethod() + " " + request.getHttpURI().getPath(), cause);
            } else {
                error = new ApiError(reason(code, message), List.of());
            }
            Exchange.write(response, code, error, callback);
        }

        private String reason(int code, String message) {
            String reason = message == null || message.isBlank()
                    ? org.eclipse.jetty.http.HttpStatus.getMessage(code) : message;
            return switch (code) {
                case 413 -> "request body too large: the runner accepts at most "
                        + options.maxBodyBytes() / 1024 + " KiB (" + reason + ")";
                case 404 -> "no such endpoint";
                default -> reason;
            };
        }
    }

    @Override
    public void close() {
        keepalive.shutdownNow();
        try {
            server.stop();
        } catch (Exception e) {
            LOG.debug("Stopping the API server: {}", e.toString());
        }
    }
}
