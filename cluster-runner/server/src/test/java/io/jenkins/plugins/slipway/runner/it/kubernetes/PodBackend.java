package io.jenkins.plugins.slipway.runner.it.kubernetes;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * What stands for a pod's container: a real HTTP server on the pod's own loopback address (each pod its own in
 * 127.0.0.0/8) and container ports, so the runner's router forwards real requests to it. It answers by image:
 * {@code web:v2} answers "version v2"; an image with {@code failing} in its name answers 500 on every path but
 * its health path, so it is ready and only analysis can catch it.
 */
final class PodBackend implements AutoCloseable {
    private final List<HttpServer> servers = new ArrayList<>();

    PodBackend(String ip, List<Integer> ports, String image, String healthPath, ExecutorService executor)
            throws IOException {
        String version = image.substring(image.lastIndexOf(':') + 1);
        boolean failing = image.contains("failing");
        for (int port : ports) {
            HttpServer server = HttpServer.create(new InetSocketAddress(ip, port), 64);
            server.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                boolean health = path.equals(healthPath);
                int code = failing && !health ? 500 : 200;
                byte[] body = ((health ? "ok" : "version " + version + (failing ? " failing" : "")) + "\n")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(code, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.setExecutor(executor);
            server.start();
            servers.add(server);
        }
    }

    @Override
    public void close() {
        servers.forEach(s -> s.stop(0));
    }
}
