package io.jenkins.plugins.slipway.runner.routing.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.runner.routing.Backend;
import io.jenkins.plugins.slipway.runner.routing.Hold;
import io.jenkins.plugins.slipway.runner.routing.InternalListener;
import io.jenkins.plugins.slipway.runner.routing.MatchRule;
import io.jenkins.plugins.slipway.runner.routing.MetricsSnapshot;
import io.jenkins.plugins.slipway.runner.routing.OutlierDetection;
import io.jenkins.plugins.slipway.runner.routing.RouteSpec;
import io.jenkins.plugins.slipway.runner.routing.RouterOptions;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The router end to end inside the JVM: in-process backends and clients, loopback only, ephemeral ports. */
class NettyRouterTest {
    private static final String ROUTE = "shop/web";
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private NettyRouter router = new NettyRouter(RouterOptions.defaults().withIoThreads(2));

    @AfterEach
    void tearDown() throws Exception {
        router.close();
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    /** Every test here sends traffic through the router with each buffer tracked (paranoid leak detection). */
    @AfterAll
    static void noBufferLeaked() {
        RecordingLeakDetector.assertNoLeaks();
    }

    private TestBackend backend(String id) {
        TestBackend b = new TestBackend(id);
        closeables.add(b);
        return b;
    }

    private static Backend spec(TestBackend b, String revision) {
        return new Backend(b.id, revision, "127.0.0.1", b.port());
    }

    private static RouteSpec route(List<Backend> backends, Map<String, Integer> weights, List<MatchRule> matches,
                                   boolean sticky) {
        return new RouteSpec(ROUTE, "127.0.0.1", 0, backends, weights, matches, sticky);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + router.boundPort(ROUTE) + path);
    }

    private HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String revisionSeen(HttpResponse<String> res, Map<String, String> revisionOfBackend) {
        return revisionOfBackend.get(res.headers().firstValue("X-Backend").orElse("?"));
    }

    @ParameterizedTest
    @ValueSource(ints = {25, 50, 75})
    void weightedSplitIsWithinThreePointsOverAThousandRequests(int canaryWeight) throws Exception {
        TestBackend s1 = backend("s1");
        TestBackend s2 = backend("s2");
        TestBackend c1 = backend("c1");
        router.apply(route(List.of(spec(s1, "1"), spec(s2, "1"), spec(c1, "2")),
                Map.of("1", 100 - canaryWeight, "2", canaryWeight), List.of(), false));
        Map<String, String> rev = Map.of("s1", "1", "s2", "1", "c1", "2");

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                answers.add(pool.submit(() -> revisionSeen(get("/"), rev)));
            }
            int canary = 0;
            for (Future<String> f : answers) {
                canary += "2".equals(f.get(30, TimeUnit.SECONDS)) ? 1 : 0;
            }
            assertThat(canary / 10.0).isCloseTo(canaryWeight, within(3.0));
        } finally {
            pool.shutdownNow();
        }
        assertThat(router.snapshot(ROUTE, "2").requests()).isEqualTo(canaryWeightCount(c1));
        assertThat(router.snapshot(ROUTE, "1").failures()).isZero();
    }

    private static long canaryWeightCount(TestBackend b) {
        return b.requests.get();
    }

    @Test
    void weightChangeAppliesToTheNextRequest() throws Exception {
        TestBackend stable = backend("stable");
        TestBackend canary = backend("canary");
        List<Backend> backends = List.of(spec(stable, "1"), spec(canary, "2"));
        Map<String, String> rev = Map.of("stable", "1", "canary", "2");
        router.apply(route(backends, Map.of("1", 100, "2", 0), List.of(), false));
        for (int i = 0; i < 20; i++) {
            assertThat(revisionSeen(get("/"), rev)).isEqualTo("1");
        }

        router.apply(route(backends, Map.of("1", 0, "2", 100), List.of(), false));

        for (int i = 0; i < 20; i++) {
            assertThat(revisionSeen(get("/"), rev)).isEqualTo("2");
        }
        assertThat(router.spec(ROUTE)).get().extracting(RouteSpec::weights).isEqualTo(Map.of("1", 0, "2", 100));
    }

    @Test
    void headerAndCookieRulesReachTheCanaryAtWeightZero() throws Exception {
        TestBackend stable = backend("stable");
        TestBackend canary = backend("canary");
        router.apply(route(List.of(spec(stable, "1"), spec(canary, "2")), Map.of("1", 100, "2", 0),
                List.of(new MatchRule(MatchRule.Kind.HEADER, "X-Canary", "always", "2"),
                        new MatchRule(MatchRule.Kind.COOKIE, "canary", "yes", "2")), false));

        assertThat(get("/", "X-Canary", "always").body()).isEqualTo("canary");
        assertThat(get("/", "Cookie", "theme=dark; canary=yes").body()).isEqualTo("canary");
        assertThat(get("/", "X-Canary", "sometimes").body()).isEqualTo("stable");
        assertThat(get("/").body()).isEqualTo("stable");
    }

    @Test
    void stickyClientKeepsItsRevisionWhileItHasWeight() throws Exception {
        TestBackend stable = backend("stable");
        TestBackend canary = backend("canary");
        List<Backend> backends = List.of(spec(stable, "1"), spec(canary, "2"));
        router.apply(route(backends, Map.of("1", 50, "2", 50), List.of(), true));

        HttpResponse<String> first = get("/");
        String cookie = first.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("slipway-rev-shop_web=").contains("Path=/");
        String assigned = cookie.substring("slipway-rev-shop_web=".length(), cookie.indexOf(';'));
        String cookieHeader = cookie.substring(0, cookie.indexOf(';'));
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> res = get("/", "Cookie", cookieHeader);
            assertThat(res.body()).isEqualTo(assigned.equals("1") ? "stable" : "canary");
            assertThat(res.headers().firstValue("Set-Cookie")).isEmpty();
        }

        String other = assigned.equals("1") ? "2" : "1";
        router.apply(route(backends, Map.of(assigned, 0, other, 100), List.of(), true));
        HttpResponse<String> moved = get("/", "Cookie", cookieHeader);
        assertThat(moved.body()).isEqualTo(other.equals("1") ? "stable" : "canary");
        assertThat(moved.headers().firstValue("Set-Cookie")).contains("slipway-rev-shop_web=" + other + "; Path=/; HttpOnly");
    }

    @Test
    void backendKilledMidRunCostsNoRequest() throws Exception {
        TestBackend a = backend("a");
        TestBackend b = backend("b");
        TestBackend c = backend("c");
        router.apply(route(List.of(spec(a, "1"), spec(b, "1"), spec(c, "1")), Map.of("1", 100), List.of(), false));
        Queue<String> failed = new ConcurrentLinkedQueue<>();
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> loops = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                loops.add(pool.submit(() -> {
                    for (int i = 0; i < 400; i++) {
                        try {
                            HttpResponse<String> res = get("/");
                            if (res.statusCode() != 200) {
                                failed.add(res.statusCode() + " " + res.body());
                            }
                        } catch (IOException | InterruptedException e) {
                            failed.add(e.toString());
                        }
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> done.get() > 400);
            b.close();
            await().atMost(Duration.ofSeconds(20)).until(() -> done.get() > 1000);
            c.close();
            for (Future<?> f : loops) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(failed).isEmpty();
        assertThat(router.snapshot(ROUTE, "1").failures()).isZero();
        // At least: the JDK client may itself send an idempotent request again when a connection it reuses
        // closes under it, and the router counts what it is sent.
        assertThat(router.snapshot(ROUTE, "1").requests()).isGreaterThanOrEqualTo(1600);
        // At most half of the revision is ejected at once: b is, c (refusing too) is tried and passed over.
        assertThat(router.state(ROUTE, "b").ejected()).isTrue();
        assertThat(router.state(ROUTE, "c").ejected()).isFalse();
        assertThat(prometheusText()).contains(
                "slipway_router_backends{revision=\"1\",route=\"shop/web\",state=\"ejected\"} 1.0");
    }

    @Test
    void inFlightRequestSurvivesApplyThatRemovesItsBackend() throws Exception {
        TestBackend old = backend("old");
        TestBackend fresh = backend("fresh");
        router.apply(route(List.of(spec(old, "1")), Map.of("1", 100), List.of(), false));

        CompletableFuture<HttpResponse<String>> slow = http.sendAsync(HttpRequest.newBuilder(uri("/slow")).build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(60)).until(() -> router.inFlight(ROUTE, "old") == 1);

        router.apply(route(List.of(spec(fresh, "2")), Map.of("2", 100), List.of(), false));
        assertThat(get("/").body()).isEqualTo("fresh");
        assertThat(router.inFlight(ROUTE, "old")).isEqualTo(1);

        old.gate.complete(null);
        HttpResponse<String> res = slow.get(10, TimeUnit.SECONDS);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("old");
        await().atMost(Duration.ofSeconds(5)).until(() -> router.inFlight(ROUTE, "old") == 0);
    }

    @Test
    void streamingAnswerArrivesAsItIsProduced() throws Exception {
        TestBackend b = backend("b");
        router.apply(route(List.of(spec(b, "1")), Map.of(), List.of(), false));

        HttpResponse<InputStream> res = http.send(HttpRequest.newBuilder(uri("/stream")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
            assertThat(in.readLine()).isEqualTo("first");
            assertThat(b.gate).isNotDone();
            b.gate.complete(null);
            assertThat(in.readLine()).isEqualTo("last");
            assertThat(in.readLine()).isNull();
        }
        // Empty weights: the figures still go to the revision of the backend that answered.
        assertThat(router.snapshot(ROUTE, "1").requests()).isEqualTo(1);
    }

    @Test
    void clientAndBackendConnectionsAreKeptAlive() throws Exception {
        TestBackend b = backend("b");
        router.apply(route(List.of(spec(b, "1")), Map.of("1", 100), List.of(), false));

        try (Socket s = new Socket("127.0.0.1", router.boundPort(ROUTE))) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (int i = 0; i < 5; i++) {
                out.write("GET / HTTP/1.1\r\nHost: shop.example\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(readResponse(in)).startsWith("HTTP/1.1 200").endsWith("\r\n\r\nb");
            }
            // Pipelined: both requests in one write, answers in order on the same connection.
            out.write(("GET /status/201 HTTP/1.1\r\nHost: x\r\n\r\nGET /status/202 HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 201");
            assertThat(readResponse(in)).startsWith("HTTP/1.1 202");
        }
        assertThat(b.connections.get()).isEqualTo(1);
        assertThat(b.requests.get()).isEqualTo(7);
    }

    /** Reads one answer framed by Content-Length. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed after " + head);
            }
            head.append((char) c);
        }
        var m = Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        int len = m.find() ? Integer.parseInt(m.group(1)) : 0;
        byte[] body = in.readNBytes(len);
        return head + new String(body, StandardCharsets.UTF_8);
    }

    @Test
    void requestBodyAndForwardingHeadersReachTheBackend() throws Exception {
        TestBackend b = backend("b");
        router.apply(route(List.of(spec(b, "1")), Map.of("1", 100), List.of(), false));

        HttpResponse<String> echo = http.send(HttpRequest.newBuilder(uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(200_000))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(echo.body()).hasSize(200_000);

        String headers = get("/headers", "X-Forwarded-For", "10.0.0.1").body();
        assertThat(headers).contains("x-forwarded-for: 10.0.0.1, 127.0.0.1")
                .contains("x-forwarded-proto: http")
                .contains("host: 127.0.0.1:" + router.boundPort(ROUTE))
                .contains("x-forwarded-host: 127.0.0.1:" + router.boundPort(ROUTE))
                .doesNotContain("upgrade:");
    }

    @Test
    void idempotentRequestWhoseBackendResetsBeforeAnsweringIsSentAgainOnceElsewhere() throws Exception {
        TestBackend a = backend("a");
        TestBackend b = backend("b");
        router.apply(route(List.of(spec(a, "1"), spec(b, "1")), Map.of("1", 100), List.of(), false));
        AtomicInteger resets = new AtomicInteger(1);
        a.resetBudget = resets;
        b.resetBudget = resets;

        HttpResponse<String> retried = get("/");
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(a.requests.get() + b.requests.get()).isEqualTo(2);

        // Once only: both backends reset, the client hears of it.
        resets.set(2);
        assertThat(get("/").statusCode()).isEqualTo(502);
        assertThat(a.requests.get() + b.requests.get()).isEqualTo(4);
    }

    @Test
    void nonIdempotentRequestWhoseBackendResetIsNotSentAgain() throws Exception {
        TestBackend a = backend("a");
        TestBackend b = backend("b");
        router.apply(route(List.of(spec(a, "1"), spec(b, "1")), Map.of("1", 100), List.of(), false));
        AtomicInteger oneReset = new AtomicInteger(1);
        a.resetBudget = oneReset;
        b.resetBudget = oneReset;

        // The backend may have acted on the POST before the connection broke: sending it again could do it twice.
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("order")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(502);
        assertThat(a.requests.get() + b.requests.get()).isEqualTo(1);
        HttpResponse<String> next = http.send(HttpRequest.newBuilder(uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("order")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(next.body()).isEqualTo("order");
    }

    @Test
    void http10ClientGetsItsAnswerAndTheConnectionCloses() throws Exception {
        TestBackend b = backend("b");
        router.apply(route(List.of(spec(b, "1")), Map.of("1", 100), List.of(), false));

        try (Socket s = new Socket("127.0.0.1", router.boundPort(ROUTE))) {
            s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close").endsWith("\r\n\r\nb");
        }
    }

    @Test
    void noBackendGives502AndSlowBackendGives504() throws Exception {
        router.close();
        router = new NettyRouter(RouterOptions.defaults().withIoThreads(1).withResponseTimeout(Duration.ofMillis(300))
                .withQueueTimeout(Duration.ZERO));
        int closedPort = freePort();
        router.apply(route(List.of(new Backend("gone", "1", "127.0.0.1", closedPort)), Map.of("1", 100), List.of(), false));

        HttpResponse<String> res = get("/");
        assertThat(res.statusCode()).isEqualTo(502);
        assertThat(res.body()).contains("no backend of route shop/web");

        TestBackend slow = backend("slow");
        router.apply(route(List.of(spec(slow, "1")), Map.of("1", 100), List.of(), false));
        assertThat(get("/slow").statusCode()).isEqualTo(504);

        // The only backend held unhealthy by the runner still answers: panic routes to it rather than to nobody.
        router.setBackendHealthy(ROUTE, "slow", false);
        assertThat(get("/").statusCode()).isEqualTo(200);
        router.apply(route(List.of(), Map.of(), List.of(), false));
        assertThat(get("/").statusCode()).isEqualTo(502);
        assertThat(router.snapshot(ROUTE, "1").failures()).isEqualTo(2);
    }

    @Test
    void refusingBackendIsTakenOutAndProbedBack() throws Exception {
        TestBackend up = backend("up");
        int port = freePort();
        router.apply(route(List.of(spec(up, "1"), new Backend("later", "1", "127.0.0.1", port)), Map.of("1", 100),
                List.of(), false));

        for (int i = 0; i < 10; i++) {
            assertThat(get("/").body()).isEqualTo("up");
        }
        TestBackend later = new TestBackend("later", port);
        closeables.add(later);
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            get("/");
            return later.requests.get() > 0;
        });
        assertThat(router.snapshot(ROUTE, "1").failures()).isZero();
    }

    @Test
    void backendThatKeepsResettingIsEjectedAfterSeveralFailuresInARowAndCostsNoRequest() throws Exception {
        router.close();
        router = new NettyRouter(RouterOptions.defaults().withIoThreads(1).withOutlierDetection(
                new OutlierDetection(5, Duration.ofSeconds(30), Duration.ofSeconds(60), 50, 50)));
        TestBackend good = backend("good");
        TestBackend bad = backend("bad");
        bad.resetBudget = new AtomicInteger(Integer.MAX_VALUE);
        router.apply(route(List.of(spec(good, "1"), spec(bad, "1")), Map.of("1", 100), List.of(), false));

        for (int i = 0; i < 40; i++) {
            HttpResponse<String> res = get("/");
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).isEqualTo("good");
        }
        // Four resets leave it in (a busy backend may drop a connection), the fifth in a row takes it out.
        assertThat(bad.requests.get()).isEqualTo(5);
        assertThat(router.state(ROUTE, "bad").ejected()).isTrue();
        assertThat(router.snapshot(ROUTE, "1").failures()).isZero();
    }

    @Test
    void slowBackendIsWaitedForAndNotEjected() throws Exception {
        TestBackend fast = backend("fast");
        TestBackend slow = backend("slow");
        slow.slow = true;
        router.apply(route(List.of(spec(fast, "1"), spec(slow, "1")), Map.of("1", 100), List.of(), false));

        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(http.sendAsync(HttpRequest.newBuilder(uri("/")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> answers.stream().filter(CompletableFuture::isDone).count()
                + router.inFlight(ROUTE, "slow") >= 20);
        assertThat(router.inFlight(ROUTE, "slow")).isPositive();
        slow.gate.complete(null);
        for (CompletableFuture<HttpResponse<String>> a : answers) {
            assertThat(a.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertThat(router.state(ROUTE, "slow").ejected()).isFalse();
        assertThat(router.state(ROUTE, "slow").outlier.consecutiveFailures()).isZero();
        assertThat(router.snapshot(ROUTE, "1").failures()).isZero();
    }

    @Test
    void backendAnswering500IsNotEjectedAndItsAnswersReachTheClientForAnalysis() throws Exception {
        TestBackend ok = backend("ok");
        TestBackend failing = backend("failing");
        router.apply(route(List.of(spec(ok, "1"), spec(failing, "2")), Map.of("1", 50, "2", 50), List.of(), false));

        int errors = 0;
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> res = get(i % 2 == 0 ? "/" : "/status/500");
            errors += res.statusCode() == 500 ? 1 : 0;
        }
        // Rev 2's 500s are its answers, not the router's failures to reach it: counted, passed on, not hidden.
        assertThat(errors).isPositive();
        assertThat(router.snapshot(ROUTE, "1").failures() + router.snapshot(ROUTE, "2").failures()).isEqualTo(errors);
        assertThat(router.state(ROUTE, "failing").ejected()).isFalse();
        assertThat(router.state(ROUTE, "failing").outlier.consecutiveFailures()).isZero();
    }

    @Test
    void backendsTheRunnerHoldsUnhealthyStillServeWhenMostOfTheRevisionIs() throws Exception {
        TestBackend a = backend("a");
        TestBackend b = backend("b");
        TestBackend c = backend("c");
        router.apply(route(List.of(new Backend("a", "1", "127.0.0.1", a.port(), false),
                new Backend("b", "1", "127.0.0.1", b.port(), false), spec(c, "1")), Map.of("1", 100), List.of(), false));

        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> res = get("/");
            assertThat(res.statusCode()).isEqualTo(200);
            seen.merge(res.body(), 1, Integer::sum);
        }
        // One healthy of three is below the panic threshold: all three share the load instead of c alone.
        assertThat(seen).containsKeys("a", "b", "c");

        router.apply(route(List.of(spec(a, "1"), new Backend("b", "1", "127.0.0.1", b.port(), false), spec(c, "1")),
                Map.of("1", 100), List.of(), false));
        seen.clear();
        for (int i = 0; i < 30; i++) {
            seen.merge(get("/").body(), 1, Integer::sum);
        }
        assertThat(seen).containsOnlyKeys("a", "c");
    }

    @Test
    void requestToARouteWithoutBackendWaitsForOneWithinTheQueueTimeout() throws Exception {
        router.apply(route(List.of(), Map.of(), List.of(), false));
        CompletableFuture<HttpResponse<String>> waiting = http.sendAsync(
                HttpRequest.newBuilder(uri("/")).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        TestBackend late = backend("late");
        router.apply(route(List.of(spec(late, "1")), Map.of("1", 100), List.of(), false));

        HttpResponse<String> res = waiting.get(20, TimeUnit.SECONDS);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("late");
    }

    @Test
    void aRouteAtZeroHoldsEveryRequestAndTellsTheRunnerUntilAReplicaIsThere() throws Exception {
        Hold hold = new Hold(100, Duration.ofSeconds(60));
        router.apply(route(List.of(), Map.of(), List.of(), false).withHold(hold));
        Queue<String> notices = new ConcurrentLinkedQueue<>();
        CompletableFuture<String> woken = new CompletableFuture<>();
        router.onHeld(name -> {
            notices.add(name);
            woken.complete(name);
        });
        List<CompletableFuture<HttpResponse<String>>> first = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            first.add(http.sendAsync(HttpRequest.newBuilder(uri("/")).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        // What the runner does when told: start a replica, then route to it.
        assertThat(woken.get(30, TimeUnit.SECONDS)).isEqualTo(ROUTE);
        await().atMost(Duration.ofSeconds(30)).until(() -> router.held(ROUTE) == 50);
        TestBackend started = backend("started");
        router.apply(route(List.of(spec(started, "1")), Map.of("1", 100), List.of(), false).withHold(hold));

        for (CompletableFuture<HttpResponse<String>> f : first) {
            HttpResponse<String> res = f.get(30, TimeUnit.SECONDS);
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).isEqualTo("started");
        }
        assertThat(router.held(ROUTE)).isZero();
        assertThat(notices).isNotEmpty().containsOnly(ROUTE);
        assertThat(router.snapshot(ROUTE, "1").requests()).isEqualTo(50);
    }

    @Test
    void aRouteAtZeroHoldsNoMoreThanItsLimitAndTellsTheRestToComeBack() throws Exception {
        router.apply(route(List.of(), Map.of(), List.of(), false).withHold(new Hold(2, Duration.ofSeconds(60))));
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            held.add(http.sendAsync(HttpRequest.newBuilder(uri("/")).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> router.held(ROUTE) == 2);

        HttpResponse<String> third = get("/");
        assertThat(third.statusCode()).isEqualTo(503);
        assertThat(third.headers().firstValue("Retry-After")).hasValue("60");
        assertThat(third.body()).contains(ROUTE).contains("holds 2 requests");
        assertThat(held).noneMatch(CompletableFuture::isDone);

        TestBackend started = backend("started");
        router.apply(route(List.of(spec(started, "1")), Map.of("1", 100), List.of(), false));
        for (CompletableFuture<HttpResponse<String>> f : held) {
            assertThat(f.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aHeldRequestThatNoReplicaTakesInTimeIsToldToComeBack() throws Exception {
        router.apply(route(List.of(), Map.of(), List.of(), false).withHold(new Hold(10, Duration.ofMillis(300))));
        long start = System.nanoTime();
        HttpResponse<String> res = get("/");
        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(res.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(res.body()).contains("did not start a replica within 300 ms");
        assertThat(router.held(ROUTE)).isZero();
        assertThat(router.snapshot(ROUTE, "").failures()).as("counted as failed, as a 502 for want of a backend is").isEqualTo(1);
    }

    @Test
    void metricsCountPerRevisionAndGiveIntervals() throws Exception {
        TestBackend b = backend("b");
        router.apply(route(List.of(spec(b, "7")), Map.of("7", 100), List.of(), false));
        for (int i = 0; i < 5; i++) {
            get("/");
        }
        MetricsSnapshot before = router.snapshot(ROUTE, "7");
        for (int i = 0; i < 3; i++) {
            get("/status/500");
        }
        get("/status/404");
        MetricsSnapshot after = router.snapshot(ROUTE, "7");

        assertThat(before.requests()).isEqualTo(5);
        assertThat(before.failures()).isZero();
        assertThat(after.requests()).isEqualTo(9);
        MetricsSnapshot interval = after.since(before);
        assertThat(interval.requests()).isEqualTo(4);
        assertThat(interval.failures()).isEqualTo(3);
        assertThat(interval.successRate()).isEqualTo(0.25);
        assertThat(interval.latencyMillis(99)).isGreaterThan(0).isLessThan(5_000);
        assertThat(router.snapshot(ROUTE, "nope").requests()).isZero();
        assertThat(router.snapshot("no-route", "7").latencyMillis(50)).isZero();
    }

    /** The router's metrics as the runner serves them at /metrics. */
    private String prometheusText() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, router.metrics().collect(), EscapingScheme.ALLOW_UTF8);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void prometheusTextParses() throws Exception {
        TestBackend b = backend("b");
        router.apply(route(List.of(spec(b, "1")), Map.of("1", 100), List.of(), false));
        get("/");
        get("/status/503");

        String text = prometheusText();
        Pattern sample = Pattern.compile(
                "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\.)*\",?)*})? -?[0-9.eE+-]+|NaN");
        Map<String, String> values = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            assertThat(sample.matcher(line).matches()).as(line).isTrue();
            values.put(line.substring(0, line.lastIndexOf(' ')), line.substring(line.lastIndexOf(' ') + 1));
        }
        assertThat(values)
                .containsEntry("slipway_router_requests_total{code_class=\"2xx\",revision=\"1\",route=\"shop/web\"}", "1.0")
                .containsEntry("slipway_router_requests_total{code_class=\"5xx\",revision=\"1\",route=\"shop/web\"}", "1.0")
                .containsEntry("slipway_router_request_failures_total{revision=\"1\",route=\"shop/web\"}", "1.0")
                .containsEntry("slipway_router_request_duration_seconds_count{revision=\"1\",route=\"shop/web\"}", "2")
                .containsKey("slipway_router_request_duration_seconds{revision=\"1\",route=\"shop/web\",quantile=\"0.99\"}")
                .containsEntry("slipway_router_backends{revision=\"1\",route=\"shop/web\",state=\"healthy\"}", "1.0");
        assertThat(text).contains("# TYPE slipway_router_request_duration_seconds summary",
                "# TYPE slipway_router_requests_total counter", "# TYPE slipway_router_backends gauge");
    }

    @Test
    void removedRouteStopsListening() throws Exception {
        TestBackend b = backend("b");
        router.apply(route(List.of(spec(b, "1")), Map.of("1", 100), List.of(), false));
        int port = router.boundPort(ROUTE);
        router.remove(ROUTE);

        assertThat(router.spec(ROUTE)).isEmpty();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                assertThat(s.getLocalPort()).isEqualTo(port);
            }
        });
    }

    /**
     * A route removed and one added on its port right after (an app deleted and another deployed on its port, a
     * route dropped and applied again by the next pass) listens at once: the removal has let the port go when it
     * returns, so the new bind never meets the old listener still closing.
     */
    @Test
    void aRemovedRoutesPortIsFreeWhenRemoveReturns() throws Exception {
        TestBackend b = backend("b");
        router.apply(route(List.of(spec(b, "1")), Map.of("1", 100), List.of(), false));
        int port = router.boundPort(ROUTE);
        for (int i = 0; i < 200; i++) {
            String name = "app-" + i + "/web";
            router.remove(i == 0 ? ROUTE : "app-" + (i - 1) + "/web");
            router.apply(new RouteSpec(name, "127.0.0.1", port, List.of(spec(b, "1")), Map.of("1", 100), List.of(),
                    false));
            assertThat(router.boundPort(name)).as("round " + i).isEqualTo(port);
        }
    }

    @Test
    void internalListenerServesItsCallersWithTheRoutesWeightsAndMetricsAndRefusesOthers() throws Exception {
        TestBackend stable = backend("stable");
        TestBackend canary = backend("canary");
        int insidePort = freePort();
        int otherPort = freePort();
        // 127.0.0.0/8 stands for the app network's subnet; 10.0.0.0/8 for a network this client is not on.
        RouteSpec spec = route(List.of(spec(stable, "1"), spec(canary, "2")), Map.of("1", 50, "2", 50), List.of(),
                false).withInternal(List.of(new InternalListener("127.0.0.1", insidePort, "127.0.0.0/8"),
                new InternalListener("127.0.0.1", otherPort, "10.0.0.0/8")));
        router.apply(spec);

        for (int i = 0; i < 10; i++) {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + insidePort + "/")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(200);
        }
        assertThat(stable.requests.get()).isEqualTo(5);
        assertThat(canary.requests.get()).isEqualTo(5);
        assertThat(router.snapshot(ROUTE, "2").requests()).isEqualTo(5);

        try (Socket s = new Socket("127.0.0.1", otherPort)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(s.getInputStream().read()).as("a caller outside the subnet is closed on").isEqualTo(-1);
        } catch (java.net.SocketException reset) {
            assertThat(reset.getMessage()).containsIgnoringCase("reset");
        }
        assertThat(stable.requests.get() + canary.requests.get()).isEqualTo(10);

        router.apply(spec.withInternal(List.of()));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            try (ServerSocket s = new ServerSocket(insidePort, 1, java.net.InetAddress.getLoopbackAddress())) {
                assertThat(s.getLocalPort()).isEqualTo(insidePort);
            }
        });
        assertThat(get("/").statusCode()).as("the route's own port is untouched").isEqualTo(200);
    }

    @Test
    void internalListenerThatCannotBindLeavesTheRouteAsItWas() throws Exception {
        TestBackend b = backend("b");
        RouteSpec before = route(List.of(spec(b, "1")), Map.of("1", 100), List.of(), false);
        router.apply(before);
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            RouteSpec after = before.withInternal(List.of(
                    new InternalListener("127.0.0.1", taken.getLocalPort(), "127.0.0.0/8")));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> router.apply(after))
                    .isInstanceOf(IOException.class).hasMessageContaining(":" + taken.getLocalPort());
        }
        assertThat(router.spec(ROUTE)).contains(before);
        assertThat(get("/").statusCode()).isEqualTo(200);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

}
