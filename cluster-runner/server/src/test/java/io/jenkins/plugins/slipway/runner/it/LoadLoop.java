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
 * by itself. Counts answers by body and every failure (no answer or not 200). As fast as the route answers, or
 * {@link #paced paced} to a steady rate.
 */
public final class LoadLoop implements AutoCloseable {
    private final Thread[] threads;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Map<String, Integer> bodies = new TreeMap<>();
    private final List<String> failures = new ArrayList<>();
    private int requests;

    public LoadLoop(int routePort, int parallel, int maxRequests, Duration maxTime) {
        this(routePort, parallel, 0, maxRequests, maxTime);
    }

    /**
     * A loop sending about {@code perSecond} requests a second in all (fewer when the answers are slower than
     * that), so that a measured rate is the one the test chose whatever the machine's speed.
     */
    public static LoadLoop paced(int routePort, int parallel, int perSecond, int maxRequests, Duration maxTime) {
        return new LoadLoop(routePort, parallel, perSecond, maxRequests, maxTime);
    }

    private LoadLoop(int routePort, int parallel, int perSecond, int maxRequests, Duration maxTime) {
        long every = perSecond <= 0 ? 0 : 1_000_000_000L * parallel / perSecond;
        long deadline = System.nanoTime() + maxTime.toNanos();
        String url = "http://127.0.0.1:" + routePort + "/";
        threads = new Thread[parallel];
        for (int t = 0; t < parallel; t++) {
            long offset = every * t / parallel;
            threads[t] = new Thread(() -> {
                long next = System.nanoTime() + offset;
                while (!stop.get() && System.nanoTime() < deadline) {
                    // Pacing the load, not waiting for a condition: each thread keeps its own slot.
                    for (long wait = next - System.nanoTime(); every > 0 && wait > 0 && !stop.get();
                         wait = next - System.nanoTime()) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                    next = Math.max(next + every, System.nanoTime() - every);
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
