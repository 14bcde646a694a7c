package io.jenkins.plugins.slipway.runner.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.release.plan.AnalysisState;
import io.jenkins.plugins.slipway.runner.release.plan.Weights;
import io.jenkins.plugins.slipway.runner.release.spec.AnalysisSpec;
import io.jenkins.plugins.slipway.runner.release.spec.MetricSpec;
import io.jenkins.plugins.slipway.runner.routing.Backend;
import io.jenkins.plugins.slipway.runner.routing.RouteSpec;
import io.jenkins.plugins.slipway.runner.routing.Router;
import io.jenkins.plugins.slipway.runner.routing.RouterOptions;
import io.jenkins.plugins.slipway.runner.routing.Routers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The router metric provider against the real router: figures come from {@code Router.snapshot}, traffic is
 * real HTTP on loopback, only time is driven by the test.
 */
class RouterAnalysisTest {
    private static final String ROUTE = "shop/web";
    private static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final AnalysisSpec SPEC = new AnalysisSpec(
            List.of(new MetricSpec.RouterMetric("traffic", 0.99, 2000L, 20)), INTERVAL, 1, 0, 0);

    private final List<LoopbackServer> backends = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ManualScheduler time = new ManualScheduler();
    private Router router;
    private int port;

    @BeforeEach
    void startRouter() throws IOException {
        router = Routers.netty(RouterOptions.defaults().withIoThreads(1));
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
    }

    @AfterEach
    void stop() {
        router.close();
        backends.forEach(LoopbackServer::close);
    }

    private Backend backend(String revision, int status) throws IOException {
        LoopbackServer s = new LoopbackServer(status);
        backends.add(s);
        return new Backend(revision + "-" + s.port(), revision, "127.0.0.1", s.port());
    }

    private void route(int canaryWeight, int canaryStatus) throws IOException {
        router.apply(new RouteSpec(ROUTE, "127.0.0.1", port,
                List.of(backend("3", 200), backend("4", canaryStatus)),
                Weights.routeWeights("3", "4", canaryWeight), List.of(), false));
    }

    /** A bounded request loop: {@code n} requests, each with a deadline. */
    private int send(int n) throws Exception {
        int failed = 0;
        for (int i = 0; i < n; i++) {
            HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofSeconds(5)).build();
            if (http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode() >= 500) {
                failed++;
            }
        }
        return failed;
    }

    private AnalysisResult judge(int requests) throws Exception {
        ReleaseContext ctx = new ReleaseContext("shop", "r-1", "3", "4", 1,
                List.of(new ReleaseContext.ServiceTarget("web", ROUTE, List.of())));
        send(40); // traffic before the run starts must not count
        AnalysisRun run = AnalysisRun.start(SPEC, ctx, router::snapshot, http, time, m -> { });
        send(requests);
        time.advance(INTERVAL);
        return run.result().get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void aCanaryAnswering500FailsWithItsOwnFigures() throws Exception {
        route(50, 500);
        AnalysisResult result = judge(200);
        assertThat(result.verdict()).isEqualTo(Verdict.Failed);
        Measurement m = result.measurements().get(0);
        long requests = (Long) m.values().get("requests");
        assertThat(requests).isBetween(70L, 130L); // ~50% of 200, and none of the 40 sent before the run
        assertThat(m.values()).containsEntry("failures", requests).containsEntry("successRate", 0.0);
        assertThat(m.message()).startsWith("success rate 0.0% < 99.0% over " + requests + " requests");
        assertThat(AnalysisState.of(result).status()).isEqualTo(AnalysisState.Status.Failed);
    }

    @Test
    void aHealthyCanaryPasses() throws Exception {
        route(50, 200);
        AnalysisResult result = judge(200);
        assertThat(result.verdict()).isEqualTo(Verdict.Successful);
        assertThat(result.measurements().get(0).message()).startsWith("success rate 100.0% >= 99.0% over ");
    }

    @Test
    void aCanaryAtWeightZeroGetsNoTrafficAndIsInconclusive() throws Exception {
        route(0, 200);
        AnalysisResult result = judge(100);
        assertThat(result.verdict()).isEqualTo(Verdict.Inconclusive);
        assertThat(result.measurements().get(0).message())
                .startsWith("only 0 requests in 10s, fewer than minRequests 20: INCONCLUSIVE");
    }
}
