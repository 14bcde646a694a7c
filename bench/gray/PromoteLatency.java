import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Time from a promote (the API call) to the new canary weight being served, seen from outside: header-free
 * clients poll the route with keep-alive requests, and the new weight counts as served at the send time of the
 * last request of the first window of 10 consecutive answers (sent after the promote) whose share of the new
 * version is past the midpoint between the old and the new weight. The router's smooth weighted round robin
 * gives at most 2 of 10 consecutive requests to a 10% revision and about 5 to a 50% one, so such a window can
 * only come from the new weights. Run by run.sh against a runner it started; only 127.0.0.1.
 *
 * Usage: java PromoteLatency.java RUNNER_URL TOKEN RELEASE_ID ROUTE_PORT RUNS
 */
public class PromoteLatency {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final int WINDOW = 10;

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String token = args[1];
        String release = args[2];
        int port = Integer.parseInt(args[3]);
        int runs = Integer.parseInt(args[4]);
        List<Double> millis = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            String before = status(url, token, release);
            int fromWeight = field(before, "canaryWeight");
            int step = field(before, "step");
            // Steps alternate setWeight 10 / pause / setWeight 50 / pause: the next weight is the other one.
            int toWeight = fromWeight == 10 ? 50 : 10;
            Pollers pollers = new Pollers(port);
            long t0 = System.nanoTime();
            HttpResponse<String> rsp = post(url + "/api/v1/releases/" + release + "/promote", token, "{\"full\": false}");
            if (rsp.statusCode() != 202) {
                throw new IllegalStateException("promote answered " + rsp.statusCode() + ": " + rsp.body());
            }
            long served = pollers.awaitShift(t0, fromWeight, toWeight, Duration.ofSeconds(30));
            pollers.close();
            if (served < 0) {
                throw new IllegalStateException("run " + run + ": weight " + toWeight + "% not seen within 30 s");
            }
            double ms = (served - t0) / 1e6;
            millis.add(ms);
            System.out.printf("run %d: %d%% -> %d%% served after %.1f ms (%d answers polled)%n", run, fromWeight,
                    toWeight, ms, pollers.count());
            awaitPause(url, token, release, step + 2);
        }
        Collections.sort(millis);
        System.out.printf("promote -> new weight served, %d runs: median %.1f ms, p95 %.1f ms, min %.1f ms, max %.1f ms%n",
                runs, percentile(millis, 50), percentile(millis, 95), millis.get(0), millis.get(millis.size() - 1));
    }

    /**
     * {@link #THREADS} threads sending keep-alive requests back to back; each answer is kept with the time its
     * request was sent. Many parallel pollers make consecutive answers close in time, so a window of answers is
     * a short span.
     */
    static final class Pollers implements AutoCloseable {
        private static final int THREADS = 8;
        private final List<long[]> answers = new ArrayList<>();
        private final Thread[] threads = new Thread[THREADS];
        private volatile boolean stop;

        Pollers(int port) {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofSeconds(5)).build();
            for (int t = 0; t < THREADS; t++) {
                threads[t] = new Thread(() -> {
                    while (!stop) {
                        long sent = System.nanoTime();
                        long canary;
                        try {
                            canary = HTTP.send(req, HttpResponse.BodyHandlers.ofString()).body().contains("v2") ? 1 : 0;
                        } catch (IOException e) {
                            canary = -1;
                        } catch (InterruptedException e) {
                            return;
                        }
                        synchronized (answers) {
                            if (answers.size() < 500_000) {
                                answers.add(new long[] {sent, canary});
                            }
                        }
                    }
                }, "poller-" + t);
                threads[t].setDaemon(true);
                threads[t].start();
            }
        }

        int count() {
            synchronized (answers) {
                return answers.size();
            }
        }

        /**
         * The send time of the last request of the first window of {@link #WINDOW} answers, all sent after
         * {@code t0}, whose share of the new version is past the midpoint between the two weights: by then the
         * router served the new weight. -1 when not seen in time.
         */
        long awaitShift(long t0, int from, int to, Duration atMost) throws InterruptedException {
            double mid = (from + to) / 200.0 * WINDOW;
            long deadline = System.nanoTime() + atMost.toNanos();
            int checked = 0;
            while (System.nanoTime() < deadline) {
                List<long[]> after;
                synchronized (answers) {
                    after = answers.stream().filter(a -> a[0] >= t0).sorted((a, b) -> Long.compare(a[0], b[0])).toList();
                }
                for (int end = Math.max(WINDOW, checked); end <= after.size(); end++) {
                    int canary = 0;
                    for (int i = end - WINDOW; i < end; i++) {
                        canary += after.get(i)[1] == 1 ? 1 : 0;
                    }
                    if (to > from ? canary > mid : canary < mid) {
                        return after.get(end - 1)[0];
                    }
                }
                checked = Math.max(checked, after.size() - THREADS);
                Thread.sleep(5); // the driver's own poll of the answers collected, not a wait for the system under test
            }
            return -1;
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            for (Thread t : threads) {
                t.join(10_000);
            }
        }
    }

    private static void awaitPause(String url, String token, String release, int step) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            String s = status(url, token, release);
            if (s.contains("\"phase\":\"Paused\"") && field(s, "step") == step) {
                return;
            }
            Thread.sleep(50); // a poll interval in a benchmark driver, not a test wait
        }
        throw new IllegalStateException("release did not pause at step " + step);
    }

    private static String status(String url, String token, String release) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/releases/" + release))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static HttpResponse<String> post(String url, String token, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return Integer.parseInt(m.group(1));
    }

    private static double percentile(List<Double> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
