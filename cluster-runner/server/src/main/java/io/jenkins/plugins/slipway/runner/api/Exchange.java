package io.jenkins.plugins.slipway.runner.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.jenkins.plugins.slipway.runner.access.Caller;
import io.jenkins.plugins.slipway.runner.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;

/** One request being answered: path parameters, the JSON body, and the ways to answer. */
final class Exchange {
    private static final int MAX_BODY = 4 * 1024 * 1024;

    final HttpExchange http;
    private final Matcher path;
    private final Caller caller;
    private int status = 200;
    private String buildUrl;

    Exchange(HttpExchange http, Matcher path, @CheckForNull Caller caller) {
        this.http = http;
        this.path = path;
        this.caller = caller;
    }

    /** Who is calling; null on paths that need no token. */
    @CheckForNull Caller caller() {
        return caller;
    }

    /** The status answered (200 until an answer was sent). */
    int status() {
        return status;
    }

    /** The Jenkins build that made this call, as its body told (the audit log records it). */
    void buildUrl(@CheckForNull String url) {
        this.buildUrl = url;
    }

    @CheckForNull String buildUrl() {
        return buildUrl;
    }

    String param(int group) {
        return path.group(group);
    }

    /** The query parameters, decoded; the first value of a name repeated. */
    Map<String, String> query() {
        Map<String, String> out = new LinkedHashMap<>();
        String raw = http.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
                out.putIfAbsent(key, eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** The request body as JSON; {@code {}} when empty. */
    JsonNode body() throws IOException {
        byte[] bytes = http.getRequestBody().readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            throw new ApiException(413, "request body larger than " + MAX_BODY / 1024 / 1024 + " MiB");
        }
        if (bytes.length == 0) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new ApiException(400, "request body is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    <T> T body(Class<T> type) throws IOException {
        JsonNode node = body();
        try {
            return Json.MAPPER.treeToValue(node, type);
        } catch (IOException e) {
            throw new ApiException(400, "request body does not match " + type.getSimpleName() + ": "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    void json(int status, Object value) throws IOException {
        send(status, "application/json", Json.write(value).getBytes(StandardCharsets.UTF_8));
    }

    void text(int status, String contentType, String body) throws IOException {
        send(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private void send(int status, String contentType, byte[] body) throws IOException {
        http.getResponseHeaders().set("Content-Type", contentType);
        this.status = status;
        http.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = http.getResponseBody()) {
            out.write(body);
        }
    }
}
