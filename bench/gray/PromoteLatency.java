import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Time from a promote (the API call) to the new canary weight being served, seen from outside: one client sends
 * keep-alive requests back to back over one connection, and the new weight counts as served at the send time of the
 * first answer that the old weights could not have given. That is exact, not statistical, because the router lays
 * out weights by smooth weighted round robin on each event loop and a connection stays on one loop: at 50% the two
 * versions alternate, so two v1 answers in a row mean 10%; at 10% the new version answers once in every 10, so two
 * v2 answers among three in a row mean 50%. Either pair includes an answer routed under the new weights, and its
 * request was sent no earlier than the window's last one. A reconnect (another loop, another cursor) starts the
 * window afresh. One sequential client also keeps the driver from loading the machine it measures, which the
 * earlier driver, eight threads polling flat out and a 10-answer window, did (its floor was 58-72 ms).
 * Run by run.sh against a runner it started; only 127.0.0.1.
 *
 * Usage: java PromoteLatency.java RUNNER_URL TOKEN RELEASE_ID ROUTE_PORT RUNS
 */
public class PromoteLatency {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

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
            try (Poller poller = new Poller(port, toWeight == 50)) {
                poller.awaitFirstAnswer(Duration.ofSeconds(10));
                long t0 = System.nanoTime();
                poller.watchFrom(t0);
                HttpResponse<String> rsp = post(url + "/api/v1/releases/" + release + "/promote", token, "{\"full\": false}");
                if (rsp.statusCode() != 202) {
                    throw new IllegalStateException("promote answered " + rsp.statusCode() + ": " + rsp.body());
                }
                long served = poller.awaitShift(Duration.ofSeconds(30));
                if (served < 0) {
                    throw new IllegalStateException("run " + run + ": weight " + toWeight + "% not seen within 30 s"
                            + (poller.failure() == null ? "" : " (" + poller.failure() + ")"));
                }
                double ms = (served - t0) / 1e6;
                millis.add(ms);
                System.out.printf("run %d: %d%% -> %d%% served after %.1f ms (%d answers polled)%n", run, fromWeight,
                        toWeight, ms, poller.count());
            }
            awaitPause(url, token, release, step + 2);
        }
        Collections.sort(millis);
        System.out.printf("promote -> new weight served, %d runs: median %.1f ms, p95 %.1f ms, min %.1f ms, max %.1f ms%n",
                runs, percentile(millis, 50), percentile(millis, 95), millis.get(0), millis.get(millis.size() - 1));
    }

    /**
     * One thread sending {@code GET /} back to back over one keep-alive connection, watching each answer for the
     * pattern only the new weights give ({@link PromoteLatency}).
     */
    static final class Poller implements AutoCloseable {
        private static final byte[] GET = "GET / HTTP/1.1\r\nHost: bench\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        private final int port;
        private final boolean towardsHalf;
        private final Thread thread;
        private final AtomicLong answers = new AtomicLong();
        /** Send time (System.nanoTime) of the request that revealed the new weights; 0 until then. */
        private final AtomicLong shiftSentAt = new AtomicLong();
        private volatile long watchFrom = Long.MAX_VALUE;
        private volatile boolean stop;
        private volatile String failure;

        Poller(int port, boolean towardsHalf) {
            this.port = port;
            this.towardsHalf = towardsHalf;
            this.thread = new Thread(this::poll, "poller");
            thread.setDaemon(true);
            thread.start();
        }

        private void poll() {
            while (!stop) {
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    socket.setTcpNoDelay(true);
                    socket.setSoTimeout(5_000);
                    InputStream in = new BufferedInputStream(socket.getInputStream());
                    OutputStream out = socket.getOutputStream();
                    // Answers of this connection since the promote, newest last: 1 for v2, 0 for v1.
                    int[] recent = new int[3];
                    int seen = 0;
                    while (!stop) {
                        long sent = System.nanoTime();
                        out.write(GET);
                        out.flush();
                        Answer a = Answer.read(in);
                        answers.incrementAndGet();
                        if (sent >= watchFrom) {
                            recent[0] = recent[1];
                            recent[1] = recent[2];
                            recent[2] = a.body().contains("v2") ? 1 : 0;
                            seen++;
                            boolean shifted = towardsHalf
                                    ? seen >= 3 && recent[0] + recent[1] + recent[2] >= 2
                                    : seen >= 2 && recent[1] == 0 && recent[2] == 0;
                            if (shifted) {
                                shiftSentAt.compareAndSet(0, sent);
                                return;
                            }
                        }
                        if (a.closes()) {
                            break;
                        }
                    }
                } catch (IOException e) {
                    failure = e.toString();
                }
            }
        }

        void awaitFirstAnswer(Duration atMost) throws InterruptedException {
            long deadline = System.nanoTime() + atMost.toNanos();
            while (answers.get() == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no answer on the route within " + atMost.toSeconds() + " s"
                            + (failure == null ? "" : ": " + failure));
                }
                Thread.sleep(1); // the driver waiting for its own client to be going, not for the system under test
            }
        }

        /** Watches the answers to requests sent from {@code t0} on (System.nanoTime) for the new weights. */
        void watchFrom(long t0) {
            watchFrom = t0;
        }

        /** The send time of the request that revealed the new weights; -1 when not seen in time. */
        long awaitShift(Duration atMost) throws InterruptedException {
            thread.join(atMost.toMillis());
            long at = shiftSentAt.get();
            return at == 0 ? -1 : at;
        }

        long count() {
            return answers.get();
        }

        String failure() {
            return failure;
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(10_000);
        }
    }

    /** One HTTP/1.1 answer: its body by Content-Length (or to the end, then the connection closes). */
    record Answer(String body, boolean closes) {
        static Answer read(InputStream in) throws IOException {
            String status = line(in);
            if (!status.startsWith("HTTP/1.1 ")) {
                throw new IOException("not an HTTP/1.1 answer: " + status);
            }
            int length = -1;
            boolean closes = false;
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                String lower = h.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(lower.substring(15).trim());
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    closes = true;
                } else if (lower.startsWith("transfer-encoding:")) {
                    throw new IOException("chunked answers are not read by this driver: " + h);
                }
            }
            byte[] body = length >= 0 ? in.readNBytes(length) : in.readAllBytes();
            if (length >= 0 && body.length < length) {
                throw new IOException("connection closed within the body");
            }
            return new Answer(new String(body, StandardCharsets.UTF_8), closes || length < 0);
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder b = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("connection closed within the head");
                }
                if (c != '\r') {
                    b.append((char) c);
                }
            }
            return b.toString();
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
