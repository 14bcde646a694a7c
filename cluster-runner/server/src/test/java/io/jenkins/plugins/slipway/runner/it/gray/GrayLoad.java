package io.jenkins.plugins.slipway.runner.it.gray;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A bounded request loop on a route (127.0.0.1 only): at most {@code maxRequests} requests and {@code maxTime},
 * then it stops by itself. Every answer is kept in order ("version v2", or "FAIL ..." for a non-200 answer or
 * none), so a test can take the split and the failures of any window: {@code mark()} now, {@code window(from)}
 * later.
 */
public final class GrayLoad implements AutoCloseable {
    /** Timeouts allow for a busy machine: a request slower than this is a hang, not a slow answer. */
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final Thread[] threads;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<String> answers = new ArrayList<>();
    private int started;

    public GrayLoad(int routePort, int parallel, int maxRequests, Duration maxTime, Map<String, String> headers) {
        long deadline = System.nanoTime() + maxTime.toNanos();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + routePort + "/"))
                .timeout(Duration.ofSeconds(30));
        headers.forEach(b::header);
        HttpRequest request = b.build();
        threads = new Thread[parallel];
        for (int t = 0; t < parallel; t++) {
            threads[t] = new Thread(() -> {
                while (!stop.get() && System.nanoTime() < deadline) {
                    synchronized (this) {
                        if (started >= maxRequests) {
                            return;
                        }
                        started++;
                    }
                    String answer = send(request);
                    synchronized (this) {
                        answers.add(answer);
                    }
                }
            }, "gray-load-" + t);
            threads[t].setDaemon(true);
            threads[t].start();
        }
    }

    public GrayLoad(int routePort, int parallel, int maxRequests, Duration maxTime) {
        this(routePort, parallel, maxRequests, maxTime, Map.of());
    }

    private static String send(HttpRequest request) {
        try {
            HttpResponse<String> rsp = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            return rsp.statusCode() == 200 ? rsp.body().trim() : "FAIL " + rsp.statusCode() + " " + rsp.body().trim();
        } catch (IOException e) {
            return "FAIL no answer: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "FAIL interrupted";
        }
    }

    /** Answers so far: the start of a window. */
    public synchronized int mark() {
        return answers.size();
    }

    /** Waits until {@code n} more answers arrived after {@code from}; fails when the loop ran out first. */
    public void awaitAnswers(int from, int n, Duration atMost) {
        await("" + n + " answers after #" + from).atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> {
            synchronized (this) {
                if (answers.size() < from + n && !alive()) {
                    throw new IllegalStateException("the load loop stopped at " + answers.size() + " answers");
                }
                return answers.size() >= from + n;
            }
        });
    }

    private boolean alive() {
        for (Thread t : threads) {
            if (t.isAlive()) {
                return true;
            }
        }
        return false;
    }

    /** Answers from {@code from} to now, counted by body (failures as "FAIL ..."). */
    public synchronized Window window(int from) {
        return new Window(answers.subList(from, answers.size()));
    }

    public synchronized Window all() {
        return window(0);
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(10_000);
        }
    }

    /** A run of consecutive answers. */
    public static final class Window {
        public final int total;
        public final Map<String, Integer> byBody = new TreeMap<>();
        public final List<String> failures = new ArrayList<>();

        Window(List<String> answers) {
            total = answers.size();
            for (String a : answers) {
                if (a.startsWith("FAIL")) {
                    failures.add(a);
                } else {
                    byBody.merge(a, 1, Integer::sum);
                }
            }
        }

        /** Percent of all answers in the window that had this body. */
        public double percent(String body) {
            return total == 0 ? 0 : 100.0 * byBody.getOrDefault(body, 0) / total;
        }

        @Override
        public String toString() {
            return total + " answers " + byBody + (failures.isEmpty() ? "" : ", " + failures.size() + " failed: "
                    + failures.subList(0, Math.min(3, failures.size())));
        }
    }
}
