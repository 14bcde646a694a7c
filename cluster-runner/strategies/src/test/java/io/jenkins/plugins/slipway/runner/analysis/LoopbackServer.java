package io.jenkins.plugins.slipway.runner.analysis;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on 127.0.0.1 and an ephemeral port, answering a fixed status, or holding the answer back
 * (bounded) to stand for a replica that hangs.
 */
public final class LoopbackServer implements AutoCloseable {
    final HttpServer server;
    final List<String> bodies = new CopyOnWriteArrayList<>();
    public final List<String> requests = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile int status;
    private volatile boolean hang;

    public LoopbackServer(int status) throws IOException {
        this.status = status;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    static LoopbackServer hanging() throws IOException {
        LoopbackServer s = new LoopbackServer(200);
        s.hang = true;
        return s;
    }

    int port() {
        return server.getAddress().getPort();
    }

    public ReleaseContext.Endpoint endpoint() {
        return new ReleaseContext.Endpoint("127.0.0.1", port());
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.add(ex.getRequestMethod() + " " + ex.getRequestURI());
        bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (hang) {
            try {
                release.await(10, TimeUnit.SECONDS); // bounded: close() lets it go at the end of the test
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ex.sendResponseHeaders(status, -1);
        ex.close();
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
