package io.jenkins.plugins.slipway.runner.api;

import io.jenkins.plugins.slipway.runner.access.Caller;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.slipway.runner.Json;
import io.jenkins.plugins.slipway.runner.client.ApiError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.regex.Matcher;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One request being answered: path parameters, headers, the JSON body, and the ways to answer (one JSON or text
 * answer, or an {@link EventStream}). A handler that returns without answering sends an empty 204.
 */
public final class Exchange {
    /**
     * Request bodies are small JSON documents: nesting deeper than this or a number longer than this is refused
     * before any object is built.
     */
    private static final ObjectMapper BODY = Json.MAPPER.copy()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    static {
        BODY.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64).maxNumberLength(100).maxStringLength(1024 * 1024).build());
    }

    private final ApiServer server;
    private final Request request;
    private final Response response;
    private final Callback callback;
    private Matcher path;
    private boolean answered;
    private boolean bodyRead;
    private Caller caller;
    private String buildUrl;

    Exchange(ApiServer server, Request request, Response response, Callback callback) {
        this.server = server;
        this.request = request;
        this.response = response;
        this.callback = callback;
    }

    void matched(Matcher path) {
        this.path = path;
    }

    void caller(@CheckForNull Caller caller) {
        this.caller = caller;
    }

    /** Who is calling; null on paths that need no token. */
    public @CheckForNull Caller caller() {
        return caller;
    }

    /** The Jenkins build that made this call, as its body told (the audit log records it). */
    void buildUrl(@CheckForNull String url) {
        this.buildUrl = url;
    }

    @CheckForNull String buildUrl() {
        return buildUrl;
    }

    /** The status answered so far (200 until an answer is set). */
    int status() {
        return response.getStatus();
    }

    /** Group {@code group} of the route's regular expression. */
    public String param(int group) {
        return path.group(group);
    }

    public String method() {
        return request.getMethod();
    }

    /** The decoded path, without the query. */
    public String path() {
        return Request.getPathInContext(request);
    }

    /** The first value of a request header, or null. */
    public String requestHeader(String name) {
        return request.getHeaders().get(name);
    }

    /** The first value of a query parameter, or null. */
    public String query(String name) {
        try {
            return Request.extractQueryParameters(request).getValue(name);
        } catch (RuntimeException e) {
            throw new ApiException(400, "the query string is not valid URL encoding");
        }
    }

    /** The address the request came from. */
    public String remoteAddress() {
        return Request.getRemoteAddr(request);
    }

    /** The client's TLS certificate chain; empty without TLS or without a client certificate. */
    public List<X509Certificate> peerCertificates() {
        if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData ssl
                && ssl.peerCertificates() != null) {
            return List.of(ssl.peerCertificates());
        }
        return List.of();
    }

    /**
     * The request body as a JSON object; {@code {}} when empty. Refuses (400) a body that is not JSON or not an
     * object ({@code null}, a list, a number), naming the body.
     */
    public JsonNode body() {
        byte[] bytes = bytes();
        if (bytes.length == 0) {
            return BODY.createObjectNode();
        }
        JsonNode node;
        try {
            node = BODY.readTree(bytes);
        } catch (IOException e) {
            throw new ApiException(400, new ApiError("request body is not JSON: " + firstLine(e),
                    List.of(new ApiError.Problem("body", "must be a JSON object"))));
        }
        if (node == null || !node.isObject()) {
            throw new ApiException(400, new ApiError("request body must be a JSON object, got "
                    + (node == null || node.isMissingNode() ? "nothing" : node.getNodeType().toString()
                    .toLowerCase(java.util.Locale.ROOT)), List.of(new ApiError.Problem("body", "must be a JSON object"))));
        }
        return node;
    }

    /** The request body as a JSON object of {@code type}; refuses (400) anything else, {@code null} included. */
    public <T> T body(Class<T> type) {
        JsonNode node = body();
        try {
            return BODY.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            String where = e instanceof com.fasterxml.jackson.databind.JsonMappingException m && !m.getPath().isEmpty()
                    ? m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("body") : "body";
            Class<?> expected = e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m
                    ? m.getTargetType() : null;
            throw new ApiException(400, new ApiError("request body does not match " + type.getSimpleName(),
                    List.of(new ApiError.Problem(where, expected(expected)))));
        }
    }

    /** What a field should have been, in the words of JSON rather than of Java. */
    private static String expected(Class<?> type) {
        if (type == null) {
            return "has the wrong type";
        }
        if (CharSequence.class.isAssignableFrom(type) || type.isEnum()) {
            return "must be a string";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
            return "must be a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "must be true or false";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "must be a list";
        }
        return "must be an object";
    }

    private byte[] bytes() {
        long limit = server.options().maxBodyBytes();
        bodyRead = true;
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (bytes.length > limit) {
                throw tooLarge(limit);
            }
            return bytes;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiException a) {
                throw a;
            }
            HttpException http = HttpException.asHttpException(e);
            if (http != null && http.getCode() == 413) {
                throw tooLarge(limit);
            }
            throw new ApiException(400, "could not read the request body: " + firstLine(e));
        }
    }

    private static ApiException tooLarge(long limit) {
        return new ApiException(413, "request body too large: the runner accepts at most " + limit / 1024 + " KiB");
    }

    private static String firstLine(Exception e) {
        String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse("");
    }

    public void json(int status, Object value) {
        send(status, "application/json", Json.write(value).getBytes(StandardCharsets.UTF_8));
    }

    public void text(int status, String contentType, String body) {
        send(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Answers {@code body} as it is (metrics in a library's format, static files). */
    public void bytes(int status, String contentType, byte[] body) {
        send(status, contentType, body);
    }

    /** Sets a header of the answer; call before answering. */
    public void header(String name, String value) {
        response.getHeaders().put(name, value);
    }

    /**
     * Answers 200 with {@code text/event-stream} and keeps the exchange open after the handler returns, without a
     * thread, until {@link EventStream#end()} or the reader goes away.
     */
    public EventStream eventStream() {
        claim();
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        return new EventStream(response, callback, server.keepaliveScheduler());
    }

    private void send(int status, String contentType, byte[] body) {
        claim();
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private void claim() {
        if (answered) {
            throw new IllegalStateException("already answered");
        }
        answered = true;
    }

    /** After the handler returned: an exchange it did not answer ends as 204. */
    void finish() {
        if (!answered) {
            answered = true;
            response.setStatus(204);
            callback.succeeded();
        }
    }

    /** Answers a refusal, or (when an answer has begun) cuts the exchange off. */
    void fail(int status, ApiError error) {
        if (answered || response.isCommitted()) {
            // The answer already owns the callback; it completes (or fails) with its own write.
            return;
        }
        answered = true;
        dropUnreadBody();
        write(response, status, error, callback);
    }

    /**
     * A refusal made before the body was read (a 401 before a PUT's body arrived) would leave that body on the
     * connection: Jetty then closes it, and the client, still sending or about to reuse it, gets no answer at all.
     * As Tomcat swallows an unread body up to a limit, the body is read and dropped here, up to the size the API
     * accepts; a larger one (or a read that fails) closes the connection, said in the answer.
     */
    private void dropUnreadBody() {
        boolean hasBody = request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
        if (!hasBody || bodyRead) {
            return;
        }
        bodyRead = true;
        long limit = server.options().maxBodyBytes();
        long dropped = 0;
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] buffer = new byte[8192];
            for (int n; dropped <= limit && (n = in.read(buffer)) >= 0; ) {
                dropped += n;
            }
        } catch (IOException | RuntimeException e) {
            dropped = Long.MAX_VALUE;
        }
        if (dropped > limit && request.getConnectionMetaData().getHttpVersion() != HttpVersion.HTTP_2) {
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
    }

    static void write(Response response, int status, ApiError error, Callback callback) {
        byte[] body = Json.write(error).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
