package io.jenkins.plugins.slipway.runner.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The transport under the endpoints: the gate, Jetty's limits as JSON refusals, 500s without Java messages, SSE. */
class ApiServerTest {
    private static final String TOKEN = "t0ken";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicReference<EventStream> stream = new AtomicReference<>();
    private final List<String> closes = new CopyOnWriteArrayList<>();
    private final List<EventStream> followers = new CopyOnWriteArrayList<>();
    private final List<ReleaseEvent> storedEvents = List.of(event(1, "ReleaseStarted"), event(2, "StepStarted"),
            event(3, "AnalysisMeasured"), event(4, "ReleaseSucceeded"));
    private final AtomicReference<EventFollower> follower = new AtomicReference<>();
    private ApiServer server;

    @BeforeEach
    void start() throws Exception {
        server = new ApiServer(new ServerOptions("127.0.0.1", 0, null, 1024, 16, Duration.ofSeconds(30)), TOKEN);
        server.route("GET", "/healthz", ex -> ex.json(200, Map.of("status", "ok")));
        server.route("PUT", "/api/v1/apps/([^/]+)", ex -> ex.json(200, ex.body(DeployRequest.class)));
        server.route("GET", "/api/v1/boom", ex -> {
            throw new NullPointerException("Cannot invoke \"secret.compose()\" because \"req\" is null");
        });
        server.route("GET", "/api/v1/followers", ex -> followers.add(ex.eventStream()));
        server.route("GET", "/api/v1/query", ex -> ex.json(200, Map.of("a", String.valueOf(ex.query("a")))));
        server.route("GET", "/api/v1/release-events", ex -> {
            EventFollower follower = new EventFollower(ex.eventStream(), 0,
                    after -> storedEvents.stream().filter(e -> e.id() > after).toList());
            follower.replay(storedEvents.subList(0, 1), false);
            this.follower.set(follower);
        });
        server.route("GET", "/api/v1/stream", ex -> {
            EventStream s = ex.eventStream();
            s.onClose(() -> closes.add("closed"));
            stream.set(s);
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void apiPathsNeedTheToken() throws Exception {
        HttpResponse<String> rsp = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/api/v1/apps/x")).PUT(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(rsp.statusCode()).isEqualTo(401);
        assertThat(rsp.body()).contains("\"error\":\"missing or wrong API token");
        assertThat(send("GET", "/healthz", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aRefusalBeforeTheBodyWasReadLeavesTheClientsNextCallAnswered() throws Exception {
        // The body comes after the headers (as the JDK client sends it) and is never read: the 401 comes first.
        URI app = URI.create("http://127.0.0.1:" + server.port() + "/api/v1/apps/x");
        for (int i = 0; i < 100; i++) {
            HttpResponse<String> put = http.send(HttpRequest.newBuilder(app).PUT(HttpRequest.BodyPublishers.ofInputStream(
                    () -> new java.io.ByteArrayInputStream("{\"compose\":\"services: {}\"}".getBytes(StandardCharsets.UTF_8))))
                    .build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> delete = http.send(HttpRequest.newBuilder(app).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(List.of(put.statusCode(), delete.statusCode())).as("round " + i).containsExactly(401, 401);
        }
    }

    @Test
    void aDataDiskBelowItsReserveRefusesChangesWith503AndStillAnswersReads() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("slipway-datadisk-");
        java.util.concurrent.atomic.AtomicBoolean changed = new java.util.concurrent.atomic.AtomicBoolean();
        server.route("POST", "/api/v1/apps/([^/]+)/scale", ex -> {
            changed.set(true);
            ex.json(200, Map.of());
        });
        // A reserve larger than any disk: the data disk counts as full.
        server.beforeChange(new io.jenkins.plugins.slipway.runner.store.DataDisk(dir, Long.MAX_VALUE)::requireRoom);

        HttpResponse<String> refused = send("POST", "/api/v1/apps/x/scale", "{}");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.body()).contains("data disk is full").contains("nothing was changed");
        assertThat(changed).isFalse();
        assertThat(send("GET", "/api/v1/query?a=1", null).statusCode()).isEqualTo(200);

        server.beforeChange(new io.jenkins.plugins.slipway.runner.store.DataDisk(dir, 0)::requireRoom);
        assertThat(send("POST", "/api/v1/apps/x/scale", "{}").statusCode()).isEqualTo(200);
        assertThat(changed).isTrue();
    }

    @Test
    void aNullOrNonObjectBodyIsA400NamingTheBody() throws Exception {
        for (String body : List.of("null", "[]", "42", "\"text\"", "{\"compose\": [1]}", "{", "\u0000")) {
            HttpResponse<String> rsp = send("PUT", "/api/v1/apps/x", body);
            assertThat(rsp.statusCode()).as(body).isEqualTo(400);
            assertThat(rsp.body()).as(body).contains("request body").doesNotContain("Exception").doesNotContain("Cannot invoke");
        }
        assertThat(send("PUT", "/api/v1/apps/x", "{\"compose\": [1]}").body()).contains("\"path\":\"compose\"")
                .contains("must be a string").doesNotContain("java.");
        assertThat(send("PUT", "/api/v1/apps/x", "{\"compose\": \"x\", \"images\": [1]}").body())
                .contains("{\"path\":\"images\",\"message\":\"must be an object\"}");
        assertThat(send("PUT", "/api/v1/apps/x", "{\"compose\": \"x\", \"images\": {\"web\": {}}}").body())
                .contains("{\"path\":\"images.web\",\"message\":\"must be a string\"}");
    }

    @Test
    void bodiesOverTheLimitAre413FromTheServerWithOrWithoutContentLength() throws Exception {
        String big = "{\"compose\":\"" + "x".repeat(2000) + "\"}";
        HttpResponse<String> rsp = send("PUT", "/api/v1/apps/x", big);
        assertThat(rsp.statusCode()).isEqualTo(413);
        assertThat(rsp.body()).contains("at most 1 KiB");
        HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/api/v1/apps/x")).header("Authorization", "Bearer " + TOKEN)
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        big.getBytes(StandardCharsets.UTF_8)))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(413);
        assertThat(chunked.body()).contains("too large");
    }

    @Test
    void anInternalErrorNamesAnIdNotTheJavaMessage() throws Exception {
        HttpResponse<String> rsp = send("GET", "/api/v1/boom", null);
        assertThat(rsp.statusCode()).isEqualTo(500);
        assertThat(rsp.body()).matches(".*\"error\":\"internal error [0-9a-f]{8} .*").doesNotContain("Cannot invoke")
                .doesNotContain("NullPointer");
    }

    @Test
    void dotDotAndEncodedDotsInThePathAreRefusedOrUnknown() throws Exception {
        for (String path : List.of("/api/v1/apps/%2e%2e/x", "/api/v1/apps/..%2Fx", "/api/v1/%2e%2e/%2e%2e/etc/passwd",
                "/api/v1/apps/a%00b", "/api/v1/apps/" + "a".repeat(1000) + "/nope")) {
            assertThat(raw("GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nConnection: close\r\n\r\n")).as(path).matches("(?s)HTTP/1.1 4\\d\\d .*application/json.*\"error\".*");
        }
        for (String query : List.of("a=%zz", "a=%", "a=%c3%28")) {
            assertThat(raw("GET /api/v1/query?" + query + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nConnection: close\r\n\r\n")).as(query).matches("(?s)HTTP/1.1 (4\\d\\d|200) .*");
        }
        assertThat(raw("GET /healthz\r\n\r\n")).as("HTTP/0.9").startsWith("HTTP/1.1 400 ").contains("unsupported HTTP version");
    }

    private String raw(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void unknownPathsAndMethodsAreJson404And405() throws Exception {
        assertThat(send("GET", "/api/v1/nothing", null).statusCode()).isEqualTo(404);
        HttpResponse<String> rsp = send("DELETE", "/healthz", null);
        assertThat(rsp.statusCode()).isEqualTo(405);
        assertThat(rsp.body()).contains("DELETE is not allowed on /healthz");
        HttpResponse<String> outside = send("GET", "/index.html", null);
        assertThat(outside.statusCode()).isEqualTo(404);
        assertThat(outside.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    @Test
    void tlsFromTheOptionsServesHttp2ByAlpnAndHttp11(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path keystore = dir.resolve("api.p12");
        Process keytool = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString(), "-genkeypair", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass",
                "changeit", "-alias", "api", "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1",
                "-validity", "2").redirectErrorStream(true).start();
        assertThat(keytool.waitFor()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, "changeit".toCharArray());
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(ks);
        javax.net.ssl.SSLContext serverContext = javax.net.ssl.SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        javax.net.ssl.SSLContext clientContext = javax.net.ssl.SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);
        try (ApiServer tls = new ApiServer(ServerOptions.plain("127.0.0.1", 0)
                .withTls(new ServerOptions.Tls(serverContext, false)), TOKEN)) {
            tls.route("GET", "/healthz", ex -> ex.json(200, Map.of("peerCertificates", ex.peerCertificates().size())));
            tls.start();
            for (HttpClient.Version version : HttpClient.Version.values()) {
                HttpClient client = HttpClient.newBuilder().sslContext(clientContext).version(version).build();
                HttpResponse<String> rsp = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                        + tls.port() + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(rsp.statusCode()).isEqualTo(200);
                assertThat(rsp.version()).isEqualTo(version);
                assertThat(rsp.body()).isEqualTo("{\"peerCertificates\":0}");
            }
        }
    }

    @Test
    void anEventStreamIsWrittenFromOtherThreadsAndEnds() throws Exception {
        HttpResponse<InputStream> rsp = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/api/v1/stream")).header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(rsp.statusCode()).isEqualTo(200);
        assertThat(rsp.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        // The answer's headers may reach the client before the handler has published its stream.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> stream.get() != null);
        Thread writer = new Thread(() -> {
            for (int i = 1; i <= 3; i++) {
                stream.get().send(i, "step", "{\"n\":" + i + "}");
            }
            stream.get().end();
        });
        writer.start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(rsp.body(), StandardCharsets.UTF_8))) {
            List<String> ids = r.lines().filter(l -> l.startsWith("id: ")).toList();
            assertThat(ids).containsExactly("id: 1", "id: 2", "id: 3");
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !closes.isEmpty());
        assertThat(closes).containsExactly("closed");
    }

    @Test
    void anEventPublishedAfterALaterOneStillReachesTheReader() throws Exception {
        HttpResponse<InputStream> rsp = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/api/v1/release-events")).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> follower.get() != null);
        // A release pass committed event 2 and is still updating the router when an analysis commits and
        // publishes event 3; the pass publishes 2 afterwards.
        follower.get().live(storedEvents.get(2));
        follower.get().live(storedEvents.get(1));
        follower.get().live(storedEvents.get(3));
        try (BufferedReader r = new BufferedReader(new InputStreamReader(rsp.body(), StandardCharsets.UTF_8))) {
            assertThat(r.lines().filter(l -> l.startsWith("event: ")).toList()).containsExactly(
                    "event: ReleaseStarted", "event: StepStarted", "event: AnalysisMeasured", "event: ReleaseSucceeded");
        }
    }

    private static ReleaseEvent event(long id, String type) {
        return new ReleaseEvent(id, type, "r1", "app", "2026-12-02T00:00:00Z",
                type.equals("ReleaseSucceeded") ? Phase.Succeeded : Phase.Progressing, type, Map.of());
    }

    @Test
    void manyIdleFollowersHoldNoThread() throws Exception {
        List<Socket> sockets = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                Socket s = new Socket("127.0.0.1", server.port());
                s.getOutputStream().write(("GET /api/v1/followers HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + TOKEN
                        + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                sockets.add(s);
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> followers.size() == 200);
            // 200 open streams on a server of at most 16 threads: short calls are still answered.
            assertThat(send("GET", "/healthz", null).statusCode()).isEqualTo(200);
            followers.forEach(f -> f.send(1, "step", "{}"));
            followers.forEach(EventStream::end);
            for (Socket s : sockets) {
                s.setSoTimeout(30_000);
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("id: 1");
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void aReaderThatGoesAwayClosesItsStream() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(("GET /api/v1/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                    + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            assertThat(Stream.generate(() -> readLine(r)).takeWhile(l -> !l.isEmpty()).toList()).first().asString()
                    .startsWith("HTTP/1.1 200");
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            stream.get().comment("probe");
            return !closes.isEmpty();
        });
    }

    private static String readLine(BufferedReader r) {
        try {
            String l = r.readLine();
            return l == null ? "" : l;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
