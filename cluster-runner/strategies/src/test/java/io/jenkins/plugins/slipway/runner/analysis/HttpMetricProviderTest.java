package io.jenkins.plugins.slipway.runner.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.runner.release.spec.AnalysisSpec;
import io.jenkins.plugins.slipway.runner.release.spec.MetricSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpMetricProviderTest {
    /** Long enough for a loopback answer on a saturated machine; the hanging server waits it out once. */
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<LoopbackServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(LoopbackServer::close);
    }

    private LoopbackServer server(int status) throws IOException {
        LoopbackServer s = new LoopbackServer(status);
        servers.add(s);
        return s;
    }

    private Reading probe(int expect, ReleaseContext.Endpoint... replicas) {
        return new HttpMetricProvider(new MetricSpec.HttpMetric("health", "/healthz?deep=1", expect, TIMEOUT),
                List.of(replicas), http).measure(1).join();
    }

    @Test
    void everyReplicaAnsweringTheExpectedStatusPasses() throws IOException {
        LoopbackServer a = server(200);
        LoopbackServer b = server(200);
        Reading r = probe(200, a.endpoint(), b.endpoint());
        assertThat(r.verdict()).isEqualTo(Verdict.Successful);
        assertThat(r.message()).isEqualTo("GET /healthz?deep=1: 2/2 replicas answered 200: SUCCESSFUL");
        assertThat(a.requests).containsExactly("GET /healthz?deep=1");
        assertThat(b.requests).containsExactly("GET /healthz?deep=1");
        assertThat(r.values()).containsEntry("ok", 2).containsEntry("probed", 2);
        assertThat(r.thresholds()).containsExactly(Map.entry("expectStatus", 200), Map.entry("timeoutMs", TIMEOUT.toMillis()));
    }

    @Test
    void oneReplicaWithAnotherStatusFails() throws IOException {
        LoopbackServer good = server(204);
        LoopbackServer bad = server(503);
        Reading r = probe(204, good.endpoint(), bad.endpoint());
        assertThat(r.verdict()).isEqualTo(Verdict.Failed);
        assertThat(r.message()).isEqualTo("GET /healthz?deep=1: 127.0.0.1:" + bad.port()
                + " answered 503, expected 204 (1/2 ok): FAILED");
        @SuppressWarnings("unchecked")
        Map<String, Object> statuses = (Map<String, Object>) r.values().get("statuses");
        assertThat(statuses).containsEntry("127.0.0.1:" + bad.port(), 503).containsEntry("127.0.0.1:" + good.port(), 204);
    }

    @Test
    void aReplicaThatDoesNotAnswerInTimeIsAnError() throws IOException {
        LoopbackServer slow = LoopbackServer.hanging();
        servers.add(slow);
        Reading r = probe(200, slow.endpoint());
        assertThat(r.verdict()).isEqualTo(Verdict.Error);
        assertThat(r.message()).isEqualTo("GET /healthz?deep=1: 127.0.0.1:" + slow.port()
                + " did not answer within 3s (0/1 answered 200): ERROR");
    }

    @Test
    void aRefusedConnectionIsAnErrorAndAWrongStatusStillWins() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        LoopbackServer bad = server(500);
        Reading r = probe(200, new ReleaseContext.Endpoint("127.0.0.1", closed), bad.endpoint());
        assertThat(r.verdict()).isEqualTo(Verdict.Failed); // worst wins: Failed is worse than Error
        Reading refused = probe(200, new ReleaseContext.Endpoint("127.0.0.1", closed));
        assertThat(refused.verdict()).isEqualTo(Verdict.Error);
        assertThat(refused.message()).startsWith("GET /healthz?deep=1: 127.0.0.1:" + closed + " could not be reached (");
    }

    @Test
    void nothingToProbeIsAnError() {
        Reading r = probe(200);
        assertThat(r.verdict()).isEqualTo(Verdict.Error);
        assertThat(r.message()).isEqualTo("GET /healthz?deep=1: no replica of the new revision to probe: ERROR");
    }

    @Test
    void aRunOverRealReplicasWithTheSchedulerDrivenByTheTest() throws Exception {
        LoopbackServer a = server(200);
        ManualScheduler time = new ManualScheduler();
        List<Measurement> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        AnalysisSpec spec = new AnalysisSpec(List.of(new MetricSpec.HttpMetric("health", "/", 200, TIMEOUT)),
                Duration.ofSeconds(5), 2, 0, 0);
        ReleaseContext ctx = new ReleaseContext("shop", "r-1", null, "1",
                1, List.of(new ReleaseContext.ServiceTarget("web", null, List.of(a.endpoint()))));
        AnalysisRun run = AnalysisRun.start(spec, ctx, (route, rev) -> {
            throw new AssertionError("no router metric here");
        }, http, time, events::add);
        time.advance(Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(60)).until(() -> events.size() == 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> time.pendingTasks() == 1); // next tick scheduled
        time.advance(Duration.ofSeconds(5));
        AnalysisResult result = run.result().get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(result.verdict()).isEqualTo(Verdict.Successful);
        assertThat(a.requests).hasSize(2);
    }

}
