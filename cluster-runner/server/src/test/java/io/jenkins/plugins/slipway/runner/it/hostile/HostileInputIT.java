package io.jenkins.plugins.slipway.runner.it.hostile;

import io.jenkins.plugins.slipway.runner.it.WholeMachine;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.DeployResponse;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.it.Apps;
import io.jenkins.plugins.slipway.runner.it.Http;
import io.jenkins.plugins.slipway.runner.it.RunnerFixture;
import io.jenkins.plugins.slipway.runner.it.RunnerProcess;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * Thousands of malformed and hostile requests ({@link Hostile}, seeded; the seed is printed) against every endpoint
 * of a real runner that serves an app: every answer is a 4xx with a reason, none a 5xx; the apps, the release and
 * its events are the same afterwards; the runner answers {@code /healthz} throughout and its memory stays bounded.
 * {@code -Dfuzz.seed=N} replays a run, {@code -Dfuzz.requests=N} changes its size (at least 5,000 by default).
 */
@WholeMachine("measures the runner's memory under thousands of hostile requests")
class HostileInputIT {
    private static final String APP = "it-fuzz";
    private static final int REQUESTS = Integer.getInteger("fuzz.requests", 6000);
    private static final int THREADS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_RSS_GROWTH = 256L * 1024 * 1024;

    @Test
    void everyHostileRequestIsRefusedWithAReasonAndChangesNothing() throws Exception {
        long seed = Long.getLong("fuzz.seed", new Random().nextLong());
        System.out.println("HostileInputIT: seed " + seed + " (replay with -Dfuzz.seed=" + seed + "), " + REQUESTS + " requests");
        try (RunnerFixture fixture = RunnerFixture.start("fuzz", List.of(APP), "v1")) {
            RunnerProcess runner = fixture.runner();
            int routePort = RunnerProcess.freePort(18100, 18199);
            String compose = Apps.web(fixture.image("v1"), 1, routePort, "", "");
            DeployResponse deployed = fixture.client().deploy(APP, new DeployRequest(compose, Map.of(), null));
            assertThat(Apps.awaitEnd(fixture.client(), deployed.release(), Duration.ofSeconds(120)).phase())
                    .isEqualTo(Phase.Succeeded);
            String token = runner.token();
            int port = URI.create(runner.url()).getPort();
            String before = state(runner.url(), token, deployed.release());
            long rssBefore = rssKb(runner.pid());

            Hostile hostile = new Hostile(new Random(seed), APP, deployed.release(), token, compose);
            List<Hostile.Request> requests = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                requests.add(hostile.next());
            }
            Map<String, LongAdder> byClass = new ConcurrentHashMap<>();
            Map<String, LongAdder> byKind = new ConcurrentHashMap<>();
            List<String> wrong = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean fuzzing = new AtomicBoolean(true);
            AtomicInteger healthOk = new AtomicInteger();
            List<String> healthFailures = Collections.synchronizedList(new ArrayList<>());
            Thread health = new Thread(() -> watchHealth(runner.url(), fuzzing, healthOk, healthFailures), "healthz-watch");
            health.start();
            long t0 = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            for (Hostile.Request r : requests) {
                pool.execute(() -> {
                    RawHttp.Answer a = RawHttp.send(port, r.head(), r.body());
                    String statusClass = a.status() == 0 ? "no answer" : a.status() / 100 + "xx";
                    byClass.computeIfAbsent(statusClass, k -> new LongAdder()).increment();
                    byKind.computeIfAbsent(r.kind() + " -> " + a.status(), k -> new LongAdder()).increment();
                    String problem = judge(a);
                    if (problem != null && wrong.size() < 50) {
                        wrong.add(problem + " for " + r.kind() + ": " + head(r) + " -> " + a.status() + " "
                                + abbreviate(a.body()) + (a.failure() == null ? "" : " (" + a.failure() + ")"));
                    }
                });
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.MINUTES)).as("fuzz finished within 10 minutes").isTrue();
            long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
            fuzzing.set(false);
            health.join();
            long rssAfter = rssKb(runner.pid());
            String after = state(runner.url(), token, deployed.release());

            System.out.println("HostileInputIT: " + REQUESTS + " requests in " + seconds + " s, by status class: "
                    + new TreeMap<>(byClass));
            new TreeMap<>(byKind).forEach((k, v) -> System.out.println("  " + k + ": " + v));
            System.out.println("HostileInputIT: runner RSS before " + rssBefore / 1024 + " MiB, after " + rssAfter / 1024
                    + " MiB; /healthz answered " + healthOk.get() + " times during the run, failed " + healthFailures.size());
            assertThat(wrong).as("answers that were not a 4xx with a reason").isEmpty();
            assertThat(byClass.keySet()).containsOnly("4xx");
            assertThat(healthFailures).as("/healthz during the fuzz").isEmpty();
            assertThat(healthOk.get()).isPositive();
            assertThat(after).as("apps, release and events after the fuzz").isEqualTo(before);
            assertThat((rssAfter - rssBefore) * 1024).as("RSS growth").isLessThan(MAX_RSS_GROWTH);
            assertThat(runner.logText()).doesNotContain(token);
        }
    }

    /** Null when the answer is a 4xx whose JSON body gives a reason and no Java internals; else what is wrong. */
    private static String judge(RawHttp.Answer a) {
        if (a.status() < 400 || a.status() > 499) {
            return "not a 4xx";
        }
        try {
            JsonNode body = JSON.readTree(a.body());
            if (body == null || !body.path("error").isTextual() || body.path("error").asText().isBlank()) {
                return "no reason";
            }
        } catch (Exception e) {
            return "body not JSON";
        }
        if (a.body().matches("(?s).*(Exception|java\\.|\\bat [a-z]+\\.[a-z]+\\.).*")) {
            return "Java internals in the answer";
        }
        return null;
    }

    /** What a hostile request could have changed: the apps, the release and its event stream, as JSON text. */
    private static String state(String url, String token, String release) throws Exception {
        StringBuilder b = new StringBuilder();
        JsonNode apps = JSON.readTree(Http.send("GET", url + "/api/v1/apps", token, null).body());
        for (JsonNode app : apps) {
            b.append(app.path("name")).append(" rev ").append(app.path("revision")).append(" release ")
                    .append(app.path("currentRelease"));
            for (JsonNode s : app.path("services")) {
                b.append(" [").append(s.path("name")).append(" desired ").append(s.path("replicas").path("desired"))
                        .append(" images ").append(s.path("images")).append(" route ").append(s.path("route")).append(']');
            }
            b.append('\n');
        }
        JsonNode r = JSON.readTree(Http.send("GET", url + "/api/v1/releases/" + release, token, null).body());
        b.append("release ").append(r.path("phase")).append(' ').append(r.path("toRevision")).append('\n');
        HttpResponse<String> events = Http.CLIENT.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/releases/"
                        + release + "/events")).header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        events.body().lines().filter(l -> l.startsWith("id: ") || l.startsWith("event: ")).forEach(l -> b.append(l).append('\n'));
        return b.toString();
    }

    private static void watchHealth(String url, AtomicBoolean fuzzing, AtomicInteger ok, List<String> failures) {
        while (fuzzing.get()) {
            long t = System.nanoTime();
            try {
                HttpResponse<String> rsp = Http.CLIENT.send(HttpRequest.newBuilder(URI.create(url + "/healthz"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                if (rsp.statusCode() == 200) {
                    ok.incrementAndGet();
                } else {
                    failures.add(rsp.statusCode() + " " + rsp.body());
                }
            } catch (Exception e) {
                failures.add(e + " after " + (System.nanoTime() - t) / 1_000_000 + " ms");
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static long rssKb(long pid) throws Exception {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElseThrow();
    }

    private static String head(Hostile.Request r) {
        return abbreviate(new String(r.head(), java.nio.charset.StandardCharsets.UTF_8).lines().findFirst().orElse(""));
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("[\\r\\n]+", " ");
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }
}
