package io.jenkins.plugins.slipway.runner.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.engine.Endpoint;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP readiness probe against a real loopback server standing in for a replica's published port. */
class HealthProbeTest {
    private final HealthProbe probe = new HealthProbe();
    /** Request targets the replica received, in order. */
    private final List<String> requested = new CopyOnWriteArrayList<>();
    /** Holds /slow answers until the test ends, so a probe can only give up on its own timeout. */
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer replica;

    @BeforeEach
    void startReplica() throws IOException {
        replica = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        replica.setExecutor(Executors.newCachedThreadPool());
        replica.createContext("/", exchange -> {
            String target = exchange.getRequestURI().toString();
            requested.add(target);
            int status = switch (exchange.getRequestURI().getPath()) {
                case "/healthz" -> 204;
                case "/moved" -> 302;
                case "/slow" -> {
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    yield 200;
                }
                default -> 503; // "/" is not a health endpoint here: a probe of "/" must fail.
            };
            if (status == 302) {
                exchange.getResponseHeaders().add("Location", "/elsewhere");
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        replica.start();
    }

    @AfterEach
    void stopReplica() {
        release.countDown();
        replica.stop(0);
    }

    @Test
    void probesTheRoutesHealthPath() {
        HealthProbe.Verdict v = probe.check(replica(), routed("/healthz", Duration.ofSeconds(1)));
        assertThat(v.healthy()).isTrue();
        assertThat(v.detail()).startsWith("http probe 204 on :8080/healthz in ");
        assertThat(requested).containsExactly("/healthz");
    }

    @Test
    void theDefaultPathIsSlashAndMessagesReadAsBefore() {
        HealthProbe.Verdict v = probe.check(replica(), routed("/", Duration.ofSeconds(1)));
        assertThat(v.healthy()).isFalse();
        assertThat(v.detail()).startsWith("http probe 503 on :8080 in ");
        assertThat(requested).containsExactly("/");
    }

    @Test
    void aQueryIsSentAndARedirectCountsAsReady() {
        HealthProbe.Verdict v = probe.check(replica(), routed("/moved?deep=1", Duration.ofSeconds(1)));
        assertThat(v.healthy()).isTrue();
        assertThat(requested).containsExactly("/moved?deep=1");
    }

    @Test
    void anAnswerLaterThanTheTimeoutIsNotReady() {
        long start = System.nanoTime();
        HealthProbe.Verdict v = probe.check(replica(), routed("/slow", Duration.ofMillis(300)));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(v.healthy()).isFalse();
        assertThat(v.detail()).isEqualTo("http probe on :8080/slow got no answer within 300 ms");
        // Gave up at its own timeout, not the replica's 10 s nor a built-in one.
        assertThat(ms).isBetween(300L, 3000L);
    }

    @Test
    void aLongerTimeoutWaitsForASlowAnswer() {
        replica.removeContext("/");
        replica.createContext("/", exchange -> {
            requested.add(exchange.getRequestURI().toString());
            try {
                Thread.sleep(400); // the replica's own slowness, the thing under test, not a wait for it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        assertThat(probe.check(replica(), routed("/", Duration.ofMillis(100))).healthy()).isFalse();
        assertThat(probe.check(replica(), routed("/", Duration.ofSeconds(3))).healthy()).isTrue();
    }

    @Test
    void aReadyReplicaStaysReadyThroughTwoSlowProbesAndIsUnreadyAtTheThird() {
        ServiceSpec healthz = routed("/healthz", Duration.ofSeconds(2));
        ServiceSpec slow = routed("/slow", Duration.ofMillis(100));
        assertThat(probe.check(replica(), healthz).healthy()).isTrue();

        HealthProbe.Verdict first = probe.check(replica(), slow);
        assertThat(first.healthy()).isTrue();
        // The client's own timeout or the probe's, whichever fires first, ends the probe.
        assertThat(first.detail()).startsWith("http probe on :8080/slow ")
                .endsWith(" (1 of 3 failures in a row: still ready)");
        assertThat(probe.check(replica(), slow).healthy()).isTrue();
        HealthProbe.Verdict third = probe.check(replica(), slow);
        assertThat(third.healthy()).isFalse();
        assertThat(third.servedBefore()).isTrue();
        assertThat(third.detail()).startsWith("http probe on :8080/slow ").doesNotContain("still ready");

        assertThat(probe.check(replica(), healthz).healthy()).isTrue();
    }

    private Replica replica() {
        return new Replica("c0ffee", "slipway-shop-web-1-1", Map.of(), Replica.State.RUNNING, 0, Replica.Health.NONE,
                "local", Map.of(8080, new Endpoint("127.0.0.1", replica.getAddress().getPort())));
    }

    private static ServiceSpec routed(String healthPath, Duration healthTimeout) {
        return new ServiceSpec("web", "img", null, null, Map.of(), List.of(8080), null, Map.of(), 1, 0, 0,
                ServiceSpec.RestartPolicy.DEFAULT, ServiceSpec.UpdateConfig.DEFAULT, Duration.ofSeconds(1),
                new ServiceSpec.Route(8000, 8080, healthPath, healthTimeout), new ReleaseSpec.Rolling());
    }
}
