package io.jenkins.plugins.slipway.runner.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * {@link RunnerClient} over {@code java.net.http}: no dependency but Jackson, which the Jenkins plugin gets
 * from jackson2-api. The event stream is read asynchronously by the HTTP client's own selector, so a
 * pipeline step following a release holds no thread while it waits.
 */
public final class HttpRunnerClient implements RunnerClient {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final URI base;
    private final String token;
    private final Duration requestTimeout;
    private final String buildUrl;
    private final HttpClient http;

    private HttpRunnerClient(Builder b) {
        String url = b.url.endsWith("/") ? b.url.substring(0, b.url.length() - 1) : b.url;
        this.base = URI.create(url);
        if (base.getScheme() == null || !(base.getScheme().equals("http") || base.getScheme().equals("https"))) {
            throw new IllegalArgumentException("runner URL must start with http:// or https://, got " + b.url);
        }
        this.token = b.token;
        this.requestTimeout = b.requestTimeout;
        this.buildUrl = b.buildUrl;
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(b.connectTimeout);
        if (b.tls != null) {
            if (!base.getScheme().equals("https")) {
                throw new IllegalArgumentException("a CA certificate or fingerprint is for an https:// runner URL,"
                        + " got " + b.url);
            }
            http.sslContext(b.tls.sslContext());
        }
        this.http = http.build();
    }

    /** Starts a client for the runner at {@code url} (e.g. {@code http://127.0.0.1:8787}). */
    public static Builder builder(String url) {
        return new Builder(url);
    }

    /** Options of a {@link HttpRunnerClient}. */
    public static final class Builder {
        private final String url;
        private String token;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private RunnerTls tls;
        private String buildUrl;

        private Builder(String url) {
            this.url = Objects.requireNonNull(url, "url");
        }

        /** The API token sent as {@code Authorization: Bearer}; kept in memory only. */
        public Builder withToken(String token) {
            this.token = token;
            return this;
        }

        /** How to trust the runner's certificate (and which to show it) on https; the system's CAs when not set. */
        public Builder withTls(RunnerTls tls) {
            this.tls = tls;
            return this;
        }

        /** The Jenkins build making the calls, sent as {@code X-Slipway-Build-Url} for the runner's audit log. */
        public Builder withBuildUrl(String buildUrl) {
            this.buildUrl = buildUrl;
            return this;
        }

        public Builder withConnectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** Deadline of every call but the event stream, which lives as long as the release. */
        public Builder withRequestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        public HttpRunnerClient build() {
            return new HttpRunnerClient(this);
        }
    }

    /** The runner's base URL. */
    public URI url() {
        return base;
    }

    @Override
    public DeployResponse deploy(String app, DeployRequest request) {
        return call("PUT", "/api/v1/apps/" + seg(app), request, DeployResponse.class);
    }

    @Override
    public List<AppStatus> apps() {
        return call("GET", "/api/v1/apps", null,
                JSON.getTypeFactory().constructCollectionType(List.class, AppStatus.class));
    }

    @Override
    public AppStatus app(String app) {
        return call("GET", "/api/v1/apps/" + seg(app), null, AppStatus.class);
    }

    @Override
    public void deleteApp(String app) {
        call("DELETE", "/api/v1/apps/" + seg(app), null, Void.class);
    }

    @Override
    public ReleaseStatus release(String releaseId) {
        return call("GET", "/api/v1/releases/" + seg(releaseId), null, ReleaseStatus.class);
    }

    @Override
    public ReleaseStatus promote(String releaseId, boolean full) {
        return call("POST", "/api/v1/releases/" + seg(releaseId) + "/promote", Map.of("full", full),
                ReleaseStatus.class);
    }

    @Override
    public ReleaseStatus abort(String releaseId, String reason) {
        return call("POST", "/api/v1/releases/" + seg(releaseId) + "/abort",
                reason == null ? Map.of() : Map.of("reason", reason), ReleaseStatus.class);
    }

    @Override
    public ReleaseStatus pause(String releaseId) {
        return call("POST", "/api/v1/releases/" + seg(releaseId) + "/pause", Map.of(), ReleaseStatus.class);
    }

    @Override
    public ReleaseStatus resume(String releaseId) {
        return call("POST", "/api/v1/releases/" + seg(releaseId) + "/resume", Map.of(), ReleaseStatus.class);
    }

    @Override
    public DeployResponse rollback(String app) {
        return call("POST", "/api/v1/apps/" + seg(app) + "/rollback", Map.of(), DeployResponse.class);
    }

    @Override
    public AppStatus scale(String app, String service, int replicas) {
        return call("POST", "/api/v1/apps/" + seg(app) + "/scale",
                Map.of("service", service, "replicas", replicas), AppStatus.class);
    }

    @Override
    public Tokens.Identity whoami() {
        return call("GET", "/api/v1/whoami", null, Tokens.Identity.class);
    }

    @Override
    public Tokens.Created createToken(Tokens.CreateRequest request) {
        return call("POST", "/api/v1/tokens", request, Tokens.Created.class);
    }

    @Override
    public List<Tokens.Summary> tokens() {
        return call("GET", "/api/v1/tokens", null,
                JSON.getTypeFactory().constructCollectionType(List.class, Tokens.Summary.class));
    }

    @Override
    public void revokeToken(String name) {
        call("DELETE", "/api/v1/tokens/" + seg(name), null, Void.class);
    }

    @Override
    public TaskStatus runTask(TaskRequest request) {
        return call("POST", "/api/v1/tasks", request, TaskStatus.class);
    }

    @Override
    public List<TaskStatus> tasks() {
        return call("GET", "/api/v1/tasks", null,
                JSON.getTypeFactory().constructCollectionType(List.class, TaskStatus.class));
    }

    @Override
    public TaskStatus task(String taskId) {
        return call("GET", "/api/v1/tasks/" + seg(taskId), null, TaskStatus.class);
    }

    @Override
    public TaskStatus stopTask(String taskId) {
        return call("DELETE", "/api/v1/tasks/" + seg(taskId), null, TaskStatus.class);
    }

    @Override
    public EventSubscription followTask(String taskId, long afterLine, Consumer<TaskLine> onLine,
                                        Consumer<TaskStatus> onEnd, Consumer<Throwable> onClose) {
        AtomicBoolean ended = new AtomicBoolean();
        return stream("/api/v1/tasks/" + seg(taskId) + "/logs", afterLine, frame -> {
            if ("end".equals(frame.event())) {
                TaskStatus status = JSON.readValue(frame.data(), TaskStatus.class);
                ended.set(true);
                onEnd.accept(status);
            } else if ("line".equals(frame.event())) {
                onLine.accept(JSON.readValue(frame.data(), TaskLine.class));
            }
        }, ended::get, "the runner's log stream of task " + taskId + " ended before the task did", onClose);
    }

    /** The runner's version from {@code GET /healthz} (no token needed); null when it does not say. */
    public String version() {
        Map<?, ?> health = call("GET", "/healthz", null, Map.class);
        Object version = health == null ? null : health.get("version");
        return version == null ? null : version.toString();
    }

    @Override
    public EventSubscription subscribe(String releaseId, long lastEventId, Consumer<ReleaseEvent> onEvent,
                                       Consumer<Throwable> onClose) {
        AtomicBoolean sawTerminal = new AtomicBoolean();
        return stream("/api/v1/releases/" + seg(releaseId) + "/events", lastEventId, frame -> {
            ReleaseEvent event = JSON.readValue(frame.data(), ReleaseEvent.class);
            if (event.isTerminal()) {
                sawTerminal.set(true);
            }
            onEvent.accept(event);
        }, sawTerminal::get, "the runner's event stream for release " + releaseId + " ended before the release did",
                onClose);
    }

    /** Reads one frame of a stream. */
    @FunctionalInterface
    private interface FrameReader {
        void read(ServerSentEvents.Frame frame) throws JsonProcessingException;
    }

    /**
     * Follows a server-sent event stream asynchronously. {@code onClose} gets null when the stream ended after
     * {@code complete} became true, else the failure (or an {@link IOException} saying {@code endedEarly}).
     */
    private EventSubscription stream(String path, long lastEventId, FrameReader reader,
                                     java.util.function.BooleanSupplier complete, String endedEarly,
                                     Consumer<Throwable> onClose) {
        String what = "GET " + path;
        HttpRequest.Builder req = request(path)
                .header("Accept", "text/event-stream")
                .GET();
        if (lastEventId > 0) {
            req.header("Last-Event-ID", Long.toString(lastEventId));
        }
        EventLines lines = new EventLines(reader);
        AtomicBoolean closed = new AtomicBoolean();
        CompletableFuture<HttpResponse<String>> response = http.sendAsync(req.build(), info ->
                info.statusCode() == 200
                        ? HttpResponse.BodySubscribers.fromLineSubscriber(lines, s -> "", StandardCharsets.UTF_8, null)
                        : HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8));
        response.whenComplete((resp, failure) -> {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            if (failure != null) {
                onClose.accept(unreachable(what, failure));
            } else if (resp.statusCode() != 200) {
                onClose.accept(refused(what, resp.statusCode(), resp.body()));
            } else if (lines.failure.get() != null) {
                onClose.accept(lines.failure.get());
            } else if (complete.getAsBoolean()) {
                onClose.accept(null);
            } else {
                onClose.accept(new IOException(endedEarly));
            }
        });
        return () -> {
            if (closed.compareAndSet(false, true)) {
                lines.cancel();
                response.cancel(true);
            }
        };
    }

    @Override
    public void close() {
        // java.net.http.HttpClient of Java 17 has no close(); its threads end when it is unreachable.
    }

    /** Line subscriber that hands SSE frames to a {@link FrameReader}. */
    private static final class EventLines implements Flow.Subscriber<String> {
        private final ServerSentEvents frames;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile Flow.Subscription subscription;

        EventLines(FrameReader reader) {
            this.frames = new ServerSentEvents(frame -> {
                try {
                    reader.read(frame);
                } catch (JsonProcessingException e) {
                    failure.compareAndSet(null, new IOException("the runner sent an event this client cannot read: "
                            + e.getOriginalMessage(), e));
                    cancel();
                }
            });
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            frames.line(line);
        }

        @Override
        public void onError(Throwable throwable) {
            failure.compareAndSet(null, throwable);
        }

        @Override
        public void onComplete() {
            frames.line("");
        }

        void cancel() {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }

    private <T> T call(String method, String path, Object body, Class<T> type) {
        return call(method, path, body, JSON.getTypeFactory().constructType(type));
    }

    private <T> T call(String method, String path, Object body, JavaType type) {
        String what = method + " " + path;
        HttpRequest.Builder req = request(path).timeout(requestTimeout).header("Accept", "application/json");
        try {
            if (body == null) {
                req.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                req.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            }
            HttpResponse<String> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (resp.statusCode() / 100 != 2) {
                throw refused(what, resp.statusCode(), resp.body());
            }
            if (type.getRawClass() == Void.class || resp.body().isEmpty()) {
                return null;
            }
            return JSON.readValue(resp.body(), type);
        } catch (JsonProcessingException e) {
            throw new RunnerException("the runner at " + base + " answered " + what
                    + " with JSON this client cannot read: " + e.getOriginalMessage(), 0, null, e);
        } catch (IOException e) {
            throw unreachable(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunnerException("interrupted while calling " + what + " on the runner at " + base, 0, null, e);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder req = HttpRequest.newBuilder(base.resolve(path));
        if (token != null && !token.isEmpty()) {
            req.header("Authorization", "Bearer " + token);
        }
        if (buildUrl != null && !buildUrl.isEmpty()) {
            req.header("X-Slipway-Build-Url", buildUrl);
        }
        return req;
    }

    private RunnerException refused(String what, int status, String body) {
        ApiError error = null;
        try {
            error = JSON.readValue(body, ApiError.class);
        } catch (IOException | RuntimeException notJson) {
            // Not every failure comes from the runner itself (a proxy may answer); keep the status alone.
        }
        StringBuilder msg = new StringBuilder("the runner at ").append(base).append(" refused ").append(what)
                .append(": HTTP ").append(status);
        if (error != null && error.error() != null) {
            msg.append(": ").append(error.error());
            for (ApiError.Problem p : error.problems()) {
                msg.append("\n  ").append(p.path()).append(": ").append(p.message());
            }
        }
        return new RunnerException(msg.toString(), status, error, null);
    }

    private RunnerException unreachable(String what, Throwable cause) {
        Throwable root = cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null
                ? cause.getCause() : cause;
        return new RunnerException("could not reach the runner at " + base + " for " + what + ": "
                + (root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage()), 0, null, root);
    }

    private static String seg(String s) {
        return URLEncoder.encode(Objects.requireNonNull(s, "path segment"), StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public Map<String, Object> deleteApp(String app, boolean volumes) {
        return call("DELETE", "/api/v1/apps/" + seg(app) + (volumes ? "?volumes=true" : ""), null,
                JSON.getTypeFactory().constructMapType(Map.class, String.class, Object.class));
    }

    @Override
    public Map<String, Object> validate(String app, DeployRequest request) {
        return call("POST", "/api/v1/validate" + (app == null ? "" : "?app=" + seg(app)), request,
                JSON.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class));
    }
}
