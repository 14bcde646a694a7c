package io.jenkins.plugins.slipway.runner.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dashboard's static files: {@code GET /} is its page, {@code GET /dashboard/NAME} one of a fixed list of files
 * read once from the classpath ({@code dashboard/} in the runner jar). A name not in the list is a 404, so no path
 * reaches anything else. Every answer carries a strict Content-Security-Policy (nothing but this origin: no inline
 * script, no other host) and an ETag, so a browser revalidates instead of downloading again.
 */
final class DashboardFiles {
    /** Every file of the dashboard; a file not listed here is not served. */
    static final List<String> FILES = List.of("index.html", "style.css", "favicon.svg", "main.js", "api.js",
            "events.js", "dom.js", "login.js", "apps.js", "release.js", "charts.js", "format.js");

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; base-uri 'none'; form-action 'none';"
            + " frame-ancestors 'none'; object-src 'none'";

    private record File(String contentType, byte[] body, String etag) {
    }

    private final Map<String, File> files = new TreeMap<>();

    DashboardFiles() {
        for (String name : FILES) {
            files.put(name, load(name));
        }
    }

    void register(ApiServer server) {
        server.route("GET", "/", ex -> serve(ex, "index.html"));
        server.route("GET", "/dashboard/([^/]+)", ex -> serve(ex, ex.param(1)));
    }

    private void serve(Exchange ex, String name) throws IOException {
        File file = files.get(name);
        if (file == null) {
            throw new ApiException(404, "no such dashboard file: " + name);
        }
        ex.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ex.header("X-Content-Type-Options", "nosniff");
        ex.header("Referrer-Policy", "no-referrer");
        // Names carry no version: the browser asks again every time, and the ETag makes that a 304.
        ex.header("Cache-Control", "no-cache");
        ex.header("ETag", file.etag());
        if (file.etag().equals(ex.requestHeader("If-None-Match"))) {
            ex.bytes(304, file.contentType(), new byte[0]);
            return;
        }
        ex.bytes(200, file.contentType(), file.body());
    }

    private static File load(String name) {
        try (InputStream in = DashboardFiles.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard file " + name + " is missing from the runner jar");
            }
            byte[] body = in.readAllBytes();
            String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 16) + "\"";
            return new File(contentType(name), body, etag);
        } catch (IOException e) {
            throw new UncheckedIOException("reading dashboard file " + name, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String contentType(String name) {
        String ext = name.substring(name.lastIndexOf('.') + 1);
        return switch (ext) {
            case "html" -> "text/html; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "svg" -> "image/svg+xml";
            default -> throw new IllegalArgumentException("no content type known for " + name);
        };
    }
}
