package io.jenkins.plugins.slipway.runner.it;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A bounded request loop against a route on 127.0.0.1: at most {@code maxRequests} and {@code maxTime}, stops
 * by itself. Counts answers by body and every failure (no answer or not 200).
 */
public final class LoadLoop implements AutoCloseable {
    private final Thread[] threads;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Map<String, Integer> bodies = new TreeMap<>();
    private final List<String> failures = new ArrayList<>();
    private int requests;

    public LoadLoop(int routePort, int parallel, int maxRequests, Duration maxTime) {
        long deadline = System.nanoTime() + maxTime.toNanos();
        String url = "http://127.0.0.1:" + routePort + "/";
        threads = new Thread[parallel];
        for (int t = 0; t < parallel; t++) {
            threads[t] = new Thread(() -> {
                while (!stop.get() && System.nanoTime() < deadline) {
                    synchronized (this) {
                        if (requests >= maxRequests) {
                            return;
                        }
                        requests++;
                    }
                    HttpResponse<String> rsp = Http.get(url);
                    synchronized (this) {
                        if (rsp == null || rsp.statusCode() != 200) {
                            failures.add(rsp == null ? "no answer" : rsp.statusCode() + " " + rsp.body());
                        } else {
                            bodies.merge(rsp.body().trim(), 1, Integer::sum);
                        }
                    }
                }
            }, "load-" + t);
            threads[t].start();
        }
    }

    public synchronized int requests() {
        return requests;
    }

    public synchronized List<String> failures() {
        return List.copyOf(failures);
    }

    public synchronized Map<String, Integer> bodies() {
        return Map.copyOf(bodies);
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(10_000);
        }
    }
}
