package io.jenkins.plugins.slipway.runner.routing.netty;

import io.jenkins.plugins.slipway.runner.routing.Backend;
import io.jenkins.plugins.slipway.runner.routing.MetricsSnapshot;
import io.jenkins.plugins.slipway.runner.routing.RouteSpec;
import io.jenkins.plugins.slipway.runner.routing.RouterOptions;
import io.jenkins.plugins.slipway.runner.routing.Routers;
import java.io.IOException;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark entry points, run by {@code bench/router/run.sh} with {@code java -cp}:
 * <ul>
 *   <li>{@code serve PORT BACKEND_PORT THREADS SECONDS}: a router on 127.0.0.1:PORT in front of one backend on
 *       127.0.0.1:BACKEND_PORT for at most SECONDS; prints the last 10 seconds' metrics every 10 seconds.</li>
 *   <li>{@code apply-latency ROUNDS}: time from {@code apply()} returning to the first answer of the new revision,
 *       with a client already sending requests back to back.</li>
 * </ul>
 */
public final class RouterBench {
    private RouterBench() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "serve" -> serve(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]));
            case "apply-latency" -> applyLatency(Integer.parseInt(args[1]));
            default -> throw new IllegalArgumentException("usage: serve PORT BACKEND_PORT THREADS SECONDS | apply-latency ROUNDS");
        }
        System.exit(0);
    }

    private static void serve(int port, int backendPort, int threads, int seconds) throws Exception {
        Routers.leakDetectionOffUnlessAsked(); // as the runner's serve command does
        try (NettyRouter router = new NettyRouter(RouterOptions.defaults().withIoThreads(threads))) {
            router.apply(new RouteSpec("bench", "127.0.0.1", port,
                    List.of(new Backend("nginx", "1", "127.0.0.1", backendPort)), Map.of("1", 100), List.of(), false));
            System.out.println("router listening on 127.0.0.1:" + port + " (" + Transport.name() + ", " + threads
                    + " threads)");
            long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            MetricsSnapshot previous = router.snapshot("bench", "1");
            while (System.nanoTime() < end) {
                Thread.sleep(Math.min(10_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                MetricsSnapshot s = router.snapshot("bench", "1");
                // The interval's figures, as the router measures them (request read to last answer byte written):
                // set beside wrk's, they tell the time spent in the router from the time spent getting to it.
                System.out.println(java.time.LocalTime.now() + " router metrics, last 10 s: " + s.since(previous));
                previous = s;
            }
        }
    }

    /** A keep-alive HTTP/1.1 client over one socket: far less overhead per request than a general client. */
    private static final class RawClient {
        private static final byte[] GET = "GET / HTTP/1.1\r\nHost: bench\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        RawClient(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        String get() throws IOException {
            out.write(GET);
            out.flush();
            int length = -1;
            StringBuilder line = new StringBuilder();
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                if (c == '\n') {
                    String l = line.toString().trim();
                    line.setLength(0);
                    if (l.isEmpty()) {
                        break;
                    }
                    if (l.regionMatches(true, 0, "content-length:", 0, 15)) {
                        length = Integer.parseInt(l.substring(15).trim());
                    }
                } else {
                    line.append((char) c);
                }
            }
            return new String(in.readNBytes(length), StandardCharsets.US_ASCII);
        }
    }

    private static void applyLatency(int rounds) throws Exception {
        try (TestBackend stable = new TestBackend("stable"); TestBackend canary = new TestBackend("canary");
             NettyRouter router = new NettyRouter(RouterOptions.defaults().withIoThreads(2))) {
            List<Backend> backends = List.of(new Backend("stable", "1", "127.0.0.1", stable.port()),
                    new Backend("canary", "2", "127.0.0.1", canary.port()));
            router.apply(new RouteSpec("bench", "127.0.0.1", 0, backends, Map.of("1", 100, "2", 0), List.of(), false));
            RawClient raw = new RawClient(router.boundPort("bench"));
            for (int i = 0; i < 5000; i++) {
                raw.get(); // warm-up: JIT and pooled connections
            }
            AtomicLong appliedAt = new AtomicLong();
            AtomicLong servedAt = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            String[] want = {"canary"};
            Thread client = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        long sent = System.nanoTime();
                        String body = raw.get();
                        long applied = appliedAt.get();
                        // Only an answer to a request sent after apply() returned says the new weight is served.
                        if (applied != 0 && sent >= applied && body.equals(want[0])) {
                            servedAt.compareAndSet(0, System.nanoTime());
                        }
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            client.start();
            for (int i = 0; i < 20; i++) {
                router.apply(new RouteSpec("bench", "127.0.0.1", router.boundPort("bench"), backends,
                        i % 2 == 0 ? Map.of("1", 99, "2", 1) : Map.of("1", 100, "2", 0), List.of(), false));
            }
            long[] applyMicros = new long[rounds];
            long[] servedMicros = new long[rounds];
            for (int i = 0; i < rounds; i++) {
                boolean toCanary = i % 2 == 0;
                want[0] = toCanary ? "canary" : "stable";
                servedAt.set(0);
                appliedAt.set(0);
                long t0 = System.nanoTime();
                router.apply(new RouteSpec("bench", "127.0.0.1", router.boundPort("bench"), backends,
                        toCanary ? Map.of("1", 0, "2", 100) : Map.of("1", 100, "2", 0), List.of(), false));
                long t1 = System.nanoTime();
                appliedAt.set(t1);
                long deadline = t1 + Duration.ofSeconds(5).toNanos();
                while (servedAt.get() == 0 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                applyMicros[i] = (t1 - t0) / 1000;
                servedMicros[i] = servedAt.get() == 0 ? -1 : (servedAt.get() - t0) / 1000;
            }
            stop.set(true);
            client.join(5000);
            Arrays.sort(applyMicros);
            Arrays.sort(servedMicros);
            int p99 = (int) Math.ceil(rounds * 0.99) - 1;
            System.out.printf("apply() call: median %d us, p99 %d us, max %d us%n", applyMicros[rounds / 2],
                    applyMicros[p99], applyMicros[rounds - 1]);
            System.out.printf("apply() start to first answer of the new revision (to a request sent after apply()"
                            + " returned): median %d us, p99 %d us, max %d us (%d rounds; -1 = not within 5 s)%n",
                    servedMicros[rounds / 2], servedMicros[p99], servedMicros[rounds - 1], rounds);
        }
    }
}
