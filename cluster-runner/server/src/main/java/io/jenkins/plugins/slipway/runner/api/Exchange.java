package io.jenkins.plugins.slipway.runner.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.jenkins.plugins.slipway.runner.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;

/** One request being answered: path parameters, the JSON body, and the ways to answer. */
final class Exchange {
    private static final int MAX_BODY = 4 * 1024 * 1024;

    final HttpExchange http;
    private final Matcher path;

    Exchange(HttpExchange http, Matcher path) {
        this.http = http;
        this.path = path;
    }

    String param(int group) {
        return path.group(group);
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

    void bytes(int status, String contentType, byte[] body) throws IOException {
        send(status, contentType, body);
    }

    /** A request header's first value, or null. */
    String requestHeader(String name) {
        return http.getRequestHeaders().getFirst(name);
    }

    /** Sets a header of the answer; call before answering. */
    void header(String name, String value) {
        http.getResponseHeaders().set(name, value);
    }

    private void send(int status, String contentType, byte[] body) throws IOException {
        http.getResponseHeaders().set("Content-Type", contentType);
        http.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = http.getResponseBody()) {
            out.write(body);
        }
    }
}
