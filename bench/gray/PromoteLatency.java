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
 * Time from a promote (the API call) to the new canary weight being served, seen from outside: a header-free
 * client polls the route with keep-alive requests, and the new weight counts as served at the answer that
 * completes the first window of 20 consecutive answers whose share of the new version is past the midpoint
 * between the old and the new weight. Run by run.sh against a runner it started; only 127.0.0.1.
 *
 * Usage: java PromoteLatency.java RUNNER_URL TOKEN RELEASE_ID ROUTE_PORT RUNS
 */
public class PromoteLatency {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final int WINDOW = 20;

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
            long[] served = {-1};
            int[] polled = {0};
            Thread poller = new Thread(() -> poll(port, fromWeight, toWeight, served, polled), "poller");
            poller.setDaemon(true);
            long t0 = System.nanoTime();
            HttpResponse<String> rsp = post(url + "/api/v1/releases/" + release + "/promote", token, "{\"full\": false}");
            if (rsp.statusCode() != 202) {
                throw new IllegalStateException("promote answered " + rsp.statusCode() + ": " + rsp.body());
            }
            poller.start();
            poller.join(Duration.ofSeconds(30).toMillis());
            poller.interrupt();
            poller.join();
            if (served[0] < 0) {
                throw new IllegalStateException("run " + run + ": weight " + toWeight + "% not seen within 30 s");
            }
            double ms = (served[0] - t0) / 1e6;
            millis.add(ms);
            System.out.printf("run %d: %d%% -> %d%% served after %.1f ms (%d answers polled)%n", run, fromWeight,
                    toWeight, ms, polled[0]);
            awaitPause(url, token, release, step + 2);
        }
        Collections.sort(millis);
        System.out.printf("promote -> new weight served, %d runs: median %.1f ms, p95 %.1f ms, min %.1f ms, max %.1f ms%n",
                runs, percentile(millis, 50), percentile(millis, 95), millis.get(0), millis.get(millis.size() - 1));
    }

    /**
     * Sequential keep-alive requests until the new weight shows or the thread is interrupted: the new weight counts
     * as served at the completion of the first window of answers past the midpoint between the two weights.
     */
    private static void poll(int port, int from, int to, long[] served, int[] polled) {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(5)).build();
        boolean[] window = new boolean[WINDOW];
        double mid = (from + to) / 200.0 * WINDOW;
        int n = 0;
        int canary = 0;
        while (!Thread.currentThread().isInterrupted() && n < 200_000) {
            boolean isCanary;
            try {
                isCanary = HTTP.send(req, HttpResponse.BodyHandlers.ofString()).body().contains("v2");
            } catch (IOException e) {
                isCanary = false;
            } catch (InterruptedException e) {
                return;
            }
            long at = System.nanoTime();
            int slot = n % WINDOW;
            canary += (isCanary ? 1 : 0) - (n >= WINDOW && window[slot] ? 1 : 0);
            window[slot] = isCanary;
            n++;
            polled[0] = n;
            if (n >= WINDOW && (to > from ? canary > mid : canary < mid)) {
                served[0] = at;
                return;
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
