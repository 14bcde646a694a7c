package io.jenkins.plugins.slipway.runner.it.hostile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A seeded generator of malformed and hostile requests for every endpoint of the runner: invalid YAML and JSON,
 * alias bombs, deep nesting, oversized bodies, a wrong type at every field path of the Compose file and of
 * {@code x-slipway}, unicode and NUL bytes, huge numbers, app and release names that climb out of their path.
 * Every request it makes is one the runner must refuse with a 4xx: none is a valid call in disguise.
 */
final class Hostile {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final BigInteger HUGE = new BigInteger("9".repeat(40));
    private static final List<String> BAD_NAMES = List.of("..", "%2e%2e", "..%2f..%2fetc%2fpasswd", "%2E%2E%2F",
            "a".repeat(1000), "UPPER", "-dash", "a_b", "%00", "a%00b", "%C3%28", "%c3%a9t%c3%a9", "a%2Fb", "%252e%252e",
            "a%20b", "%", "%zz", "a.b", "x".repeat(41), "%F0%9F%9A%80", "%ff%fe", "~", "*", "%0d%0aX-Injected:%201");
    private static final List<String> BAD_RELEASES = List.of("..", "%2e%2e", "r-" + "0".repeat(1000), "%00",
            "nope", "r-does-not-exist", "%C3%28", "..%2f..%2f", "%", "a%2Fb", "%0d%0aSet-Cookie:%20x=1");

    /** One request: a label for the report, the raw head, and the body (may be null). */
    record Request(String kind, byte[] head, RawHttp.Body body) {
    }

    private final Random random;
    private final String app;
    private final String release;
    private final String token;
    private final Map<String, Object> base;
    private int huge;

    Hostile(Random random, String app, String release, String token, String baseCompose) throws Exception {
        this.random = random;
        this.app = app;
        this.release = release;
        this.token = token;
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = YAML.readValue(baseCompose, Map.class);
        this.base = parsed;
    }

    Request next() throws Exception {
        int dice = random.nextInt(100);
        if (dice < 35) {
            return composeWithAWrongValue();
        }
        if (dice < 45) {
            return hostileYamlText();
        }
        if (dice < 55) {
            return hostileDeployBody();
        }
        if (dice < 67) {
            return badAppName();
        }
        if (dice < 77) {
            return releaseRequest();
        }
        if (dice < 85) {
            return hostileScale();
        }
        if (dice < 91) {
            return badCredentials();
        }
        if (dice < 99) {
            return protocolGarbage();
        }
        return oversized();
    }

    // ---- the Compose file: a wrong value at every field path

    /** A field path of the Compose file and values of the wrong type or out of range for it. */
    private record Field(String path, List<Object> wrong) {
    }

    private static final List<Object> NOT_A_MAPPING = List.of("text", 42, List.of(1), true);
    private static final List<Object> NOT_A_STRING = List.of(Map.of("a", 1), List.of("x"), true, false);
    private static final List<Object> NOT_A_DURATION = List.of("soon", -5, "99999999999999999h", List.of("1s"),
            Map.of("a", 1), true, 1.5, HUGE, "1s\u0000");
    private static final List<Field> FIELDS = fields();

    private static List<Field> fields() {
        String s = "services.web";
        List<Field> f = new ArrayList<>();
        f.add(new Field("services", List.of("text", 42, List.of(1), Map.of())));
        f.add(new Field(s, List.of("text", 42, List.of(1), true)));
        f.add(new Field(s + ".image", List.of(Map.of("a", 1), List.of("x"), true, "../../etc/passwd", "a b",
                "busybox\u0000", "", "-rm", "x".repeat(600))));
        f.add(new Field(s + ".command", List.of(Map.of("a", 1), 42, true, List.of(Map.of("a", 1)), List.of(List.of()),
                List.of("sh", "-c", "echo \u0000"))));
        f.add(new Field(s + ".entrypoint", List.of(Map.of("a", 1), 42, List.of(Map.of("a", 1)), List.of("\u0007"))));
        f.add(new Field(s + ".environment", List.of("text", 42, List.of("NOEQUALS"), List.of(List.of(1)),
                Map.of("A", Map.of("b", 1)), Map.of("A", "x\u0000y"), Map.of("A", List.of(1)))));
        f.add(new Field(s + ".labels", List.of("text", 42, Map.of("io.slipway.app", "x"), Map.of("a", List.of(1)),
                Map.of("a", "\u0000"), Map.of("a", Map.of("b", "c")))));
        f.add(new Field(s + ".ports", List.of("8080", 42, List.of(0), List.of(70000), List.of("http"),
                List.of(Map.of("target", "x")), List.of(List.of(1)), List.of(HUGE))));
        f.add(new Field(s + ".healthcheck", List.of("text", 42, Map.of("test", 42), Map.of("test", List.of("BAD")),
                Map.of("test", "x", "interval", "soon"), Map.of("test", "x", "retries", -1), Map.of(),
                Map.of("test", "x", "retries", HUGE), Map.of("test", List.of()))));
        f.add(new Field(s + ".stop_grace_period", NOT_A_DURATION));
        f.add(new Field(s + ".deploy", NOT_A_MAPPING));
        f.add(new Field(s + ".deploy.replicas", List.of("three", -1, 101, 1.5, HUGE, List.of(1), Map.of("a", 1),
                true, 2_000_000_000)));
        f.add(new Field(s + ".deploy.resources", NOT_A_MAPPING));
        f.add(new Field(s + ".deploy.resources.limits", NOT_A_MAPPING));
        f.add(new Field(s + ".deploy.resources.limits.memory", List.of("lots", -1, 0, List.of(1), true, 1.5,
                "999999999999t", HUGE)));
        f.add(new Field(s + ".deploy.resources.limits.cpus", List.of("many", 0, -1, 2000, List.of(1), true,
                Double.POSITIVE_INFINITY, Double.NaN, "1e400")));
        f.add(new Field(s + ".deploy.restart_policy", NOT_A_MAPPING));
        f.add(new Field(s + ".deploy.restart_policy.condition", List.of("sometimes", Map.of("a", 1), List.of("any"), true)));
        f.add(new Field(s + ".deploy.restart_policy.delay", NOT_A_DURATION));
        f.add(new Field(s + ".deploy.restart_policy.max_attempts", List.of("five", -1, 1.5, HUGE, List.of(1), true)));
        f.add(new Field(s + ".deploy.restart_policy.window", NOT_A_DURATION));
        f.add(new Field(s + ".deploy.update_config", NOT_A_MAPPING));
        f.add(new Field(s + ".deploy.update_config.parallelism", List.of(-1, 101, "two", HUGE, 1.5, List.of(1))));
        f.add(new Field(s + ".deploy.update_config.delay", NOT_A_DURATION));
        f.add(new Field(s + ".deploy.update_config.order", List.of("sideways", 42, Map.of("a", 1), List.of())));
        f.add(new Field(s + ".deploy.update_config.failure_action", List.of("explode", Map.of("a", 1), List.of(), true)));
        f.add(new Field(s + ".deploy.update_config.monitor", NOT_A_DURATION));
        f.add(new Field(s + ".x-slipway", NOT_A_MAPPING));
        f.add(new Field(s + ".x-slipway.route", NOT_A_MAPPING));
        f.add(new Field(s + ".x-slipway.route.port", List.of(0, 70000, "http", HUGE, 1.5, List.of(1), Map.of("a", 1), -1)));
        f.add(new Field(s + ".x-slipway.route.targetPort", List.of(0, 70000, "http", HUGE, 1.5, List.of(1))));
        f.add(new Field(s + ".x-slipway.route.healthPath", List.of("no-slash", 42, "/a b", "/x#frag", List.of("/"),
                Map.of("a", 1))));
        f.add(new Field(s + ".x-slipway.route.healthTimeout", List.of("soon", -1, 0, "11s", "1h", HUGE, List.of(1))));
        f.add(new Field(s + ".x-slipway.release", NOT_A_MAPPING));
        f.add(new Field(s + ".x-slipway.release.strategy", List.of("sideways", 42, Map.of("a", 1), List.of("canary"), true)));
        f.add(new Field(s + ".x-slipway.release.steps", List.of("text", 42, Map.of("a", 1), List.of("text"),
                List.of(Map.of("bogus", 1)), List.of(Map.of()))));
        f.add(new Field(s + ".x-slipway.release.steps[0].setWeight", List.of(-1, 101, "lots", 1.5, List.of(1), HUGE)));
        f.add(new Field(s + ".x-slipway.release.steps[1].pause", List.of("text", 42, List.of(1))));
        f.add(new Field(s + ".x-slipway.release.steps[1].pause.duration", List.of("soon", -5, List.of(1), Map.of("a", 1))));
        return List.copyOf(f);
    }

    private Request composeWithAWrongValue() throws Exception {
        Field field = pick(FIELDS);
        Object wrong = pick(field.wrong());
        Map<String, Object> compose = deepCopy(base);
        if (field.path().contains(".release.")) {
            Map<String, Object> canary = new LinkedHashMap<>();
            canary.put("strategy", "canary");
            canary.put("steps", new ArrayList<>(List.of(new LinkedHashMap<>(Map.of("setWeight", 20)),
                    new LinkedHashMap<>(Map.of("pause", new LinkedHashMap<>(Map.of("duration", "1s")))))));
            xSlipway(compose).put("release", canary);
        }
        set(compose, field.path(), wrong);
        return deploy("compose " + field.path(), JSON.writeValueAsBytes(Map.of("compose", YAML.writeValueAsString(compose))));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> xSlipway(Map<String, Object> compose) {
        Map<String, Object> web = (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get("web");
        return (Map<String, Object>) web.computeIfAbsent("x-slipway", k -> new LinkedHashMap<>());
    }

    @SuppressWarnings("unchecked")
    private static void set(Map<String, Object> root, String path, Object value) {
        String[] parts = path.split("\\.");
        Object node = root;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            Integer index = null;
            if (part.endsWith("]")) {
                index = Integer.parseInt(part.substring(part.indexOf('[') + 1, part.length() - 1));
                part = part.substring(0, part.indexOf('['));
            }
            Map<String, Object> map = (Map<String, Object>) node;
            boolean last = i == parts.length - 1;
            if (index == null) {
                if (last) {
                    map.put(part, value);
                    return;
                }
                node = map.computeIfAbsent(part, k -> new LinkedHashMap<>());
            } else {
                List<Object> list = (List<Object>) map.get(part);
                if (last) {
                    list.set(index, value);
                    return;
                }
                node = list.get(index);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepCopy(Map<String, Object> m) throws Exception {
        return JSON.readValue(JSON.writeValueAsBytes(m), Map.class);
    }

    // ---- the Compose file as hostile YAML text

    private Request hostileYamlText() throws Exception {
        String valid = YAML.writeValueAsString(base);
        String yaml = switch (random.nextInt(12)) {
            case 0 -> billionLaughs();
            case 1 -> valid + "x-ref: &a {k: v}\nx-use: *a\n";
            case 2 -> valid.replace("services:", "services:\n  deep: " + "[".repeat(200 + random.nextInt(5000))
                    + "]".repeat(10));
            case 3 -> "services:\n" + nestedBlock(40 + random.nextInt(200));
            case 4 -> valid + "services: {}\n";
            case 5 -> valid.replace("web:", "web:\n    image: a\n    image: b\n    labels: {a: 1, a: 2}\n    x-dup:");
            case 6 -> "services:\n\tweb: {image: busybox}\n";
            case 7 -> "services: {web: {image: \"unclosed}\n";
            case 8 -> valid.replace("services:", "services:\n  \"" + "s".repeat(1000) + "\": {image: busybox}\n  \"../x\": {image: busybox}");
            case 9 -> valid.replace("web:", "web:\n    labels: {n: " + "9".repeat(100 + random.nextInt(400)) + "}\n    x-n:");
            case 10 -> "services:\n  web:\n    image: busybox\n    labels: {a: \"\\ud800\"}\n    deploy: {replicas: -1}\n";
            default -> "\u0000\u0001\u0002" + valid;
        };
        return deploy("yaml text", JSON.writeValueAsBytes(Map.of("compose", yaml)));
    }

    private String billionLaughs() {
        int width = 5 + random.nextInt(10);
        StringBuilder b = new StringBuilder("x-l0: &l0 [" + String.join(", ", Collections.nCopies(width, "\"lol\"")) + "]\n");
        for (int i = 1; i < 10; i++) {
            b.append("x-l").append(i).append(": &l").append(i).append(" [")
                    .append(String.join(", ", Collections.nCopies(width, "*l" + (i - 1)))).append("]\n");
        }
        return b.append("services:\n  web:\n    image: busybox\n    labels:\n      boom: *l9\n").toString();
    }

    private static String nestedBlock(int depth) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            b.append("  ".repeat(i + 1)).append("k").append(i).append(":\n");
        }
        return b.append("  ".repeat(depth + 1)).append("v\n").toString();
    }

    // ---- the deploy body itself

    private Request hostileDeployBody() throws Exception {
        String valid = YAML.writeValueAsString(base);
        String q = JSON.writeValueAsString(valid);
        byte[] body = switch (random.nextInt(18)) {
            case 0 -> utf8("null");
            case 1 -> utf8("[]");
            case 2 -> utf8("42");
            case 3 -> utf8("\"text\"");
            case 4 -> utf8("{");
            case 5 -> utf8("{\"compose\": 42}");
            case 6 -> utf8("{\"compose\": {\"services\": {}}}");
            case 7 -> utf8("{\"compose\": null}");
            case 8 -> utf8("{\"compose\": \"\"}");
            case 9 -> utf8("{\"compose\": " + q + ", \"images\": [1]}");
            case 10 -> utf8("{\"compose\": " + q + ", \"images\": {\"web\": {\"a\": 1}}}");
            case 11 -> utf8("{\"compose\": " + q + ", \"images\": {\"nope\": \"busybox\"}}");
            case 12 -> utf8("{\"compose\": " + q + ", \"images\": {\"web\": \"bad ref\\u0000\"}}");
            case 13 -> utf8("[".repeat(100 + random.nextInt(100_000)));
            case 14 -> concat(utf8("{\"compose\": \""), new byte[] {(byte) 0xC3, 0x28, 0, (byte) 0xFF}, utf8("\"}"));
            case 15 -> utf8("{\"compose\": " + q + ", \"compose\": \"services: {}\"}");
            case 16 -> utf8("{\"compose\": 1" + "0".repeat(2000) + "}");
            default -> utf8("{\"compose\": " + q + ", \"cause\": 42}");
        };
        return deploy("deploy body", body);
    }

    // ---- names, releases, scale, credentials, protocol

    private Request badAppName() {
        String name = pick(BAD_NAMES);
        String target = "/api/v1/apps/" + name;
        return switch (random.nextInt(5)) {
            case 0 -> request("bad app name", "GET", target, null, auth());
            case 1 -> request("bad app name", "DELETE", target, null, auth());
            case 2 -> request("bad app name", "POST", target + "/rollback", null, auth());
            case 3 -> request("bad app name", "POST", target + "/scale", utf8("{\"service\":\"web\",\"replicas\":1}"), auth());
            default -> request("bad app name", "PUT", target, utf8("{\"compose\":\"services: {web: {image: busybox}}\"}"), auth());
        };
    }

    private Request releaseRequest() {
        boolean real = random.nextBoolean();
        String id = real ? release : pick(BAD_RELEASES);
        String base = "/api/v1/releases/" + id;
        if (real) {
            // the release exists and has ended: only hostile headers and bodies reach it
            return switch (random.nextInt(6)) {
                case 0 -> request("events bad Last-Event-ID", "GET", base + "/events", null,
                        auth() + "Last-Event-ID: " + pick(List.of("abc", "1e5", "-", "9".repeat(30), "1 2", "0x10")) + "\r\n");
                case 1 -> request("events bad lastEventId", "GET", base + "/events?lastEventId=" + pick(List.of("x", "%00", "9".repeat(30), "%zz", "%")),
                        null, auth());
                case 2 -> request("release control body", pick(List.of("POST")), base + "/" + pick(List.of("abort", "promote", "pause", "resume")),
                        utf8(pick(List.of("null", "[]", "42", "{", "\"x\"", "[".repeat(5000)))), auth());
                case 3 -> request("release control ended", "POST", base + "/" + pick(List.of("abort", "promote", "pause", "resume")),
                        utf8(pick(List.of("{\"reason\": \"" + "\\u0000".repeat(10) + "\"}", "{\"full\": \"yes\"}", "{}"))), auth());
                case 4 -> request("release wrong method", pick(List.of("PUT", "DELETE", "PATCH")), base, null, auth());
                default -> request("release unknown action", "POST", base + "/" + pick(List.of("explode", "..", "%2e%2e")), null, auth());
            };
        }
        String suffix = pick(List.of("", "/events", "/abort", "/promote", "/pause", "/resume"));
        return request("bad release id", suffix.isEmpty() || suffix.equals("/events") ? "GET" : "POST", base + suffix,
                suffix.isEmpty() || suffix.equals("/events") ? null : utf8("{}"), auth());
    }

    private Request hostileScale() {
        Object service = pick(List.of("web", "nope", 42, List.of(), "\u0000", "w".repeat(1000)));
        Object replicas = pick(List.of(-1, 101, 1.5, "2", HUGE, List.of(1), Map.of(), "NaN", 4294967297L));
        String json;
        try {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("service", service);
            m.put("replicas", replicas);
            json = random.nextInt(10) == 0 ? pick(List.of("null", "[]", "{", "\"x\"")) : JSON.writeValueAsString(m);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return request("scale body", "POST", "/api/v1/apps/" + app + "/scale", utf8(json), auth());
    }

    private Request badCredentials() {
        String header = pick(List.of("", "Authorization: Bearer\r\n", "Authorization: Bearer " + token + "x\r\n",
                "Authorization: Basic " + token + "\r\n", "Authorization: bearer " + token.toUpperCase() + "\r\n",
                "Authorization: Bearer " + "t".repeat(8000) + "\r\n", "Authorization: Bearer \u00e9\r\n"));
        String target = pick(List.of("/api/v1/apps", "/api/v1/apps/" + app, "/api/v1/releases/" + release,
                "/api/v1/releases/" + release + "/events", "/api/v1/apps/" + app + "/rollback"));
        String method = target.endsWith("rollback") ? "POST" : pick(List.of("GET", "PUT", "DELETE"));
        return request("bad credentials", method, target, null, header);
    }

    private Request protocolGarbage() {
        return switch (random.nextInt(10)) {
            case 0 -> raw("garbage request line", utf8("GARBAGE\r\n\r\n"), null);
            case 1 -> raw("huge header", utf8("GET /api/v1/apps HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth()
                    + "X-Big: " + "b".repeat(20_000 + random.nextInt(40_000)) + "\r\n\r\n"), null);
            case 2 -> raw("lying content-length", utf8("PUT /api/v1/apps/" + app + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + auth() + "Content-Length: " + pick(List.of("-1", "abc", "99999999999999999999", "1, 2")) + "\r\n\r\n{}"), null);
            case 3 -> raw("bad chunking", utf8("PUT /api/v1/apps/" + app + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth()
                    + "Transfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n"), null);
            case 4 -> raw("CL and TE", utf8("PUT /api/v1/apps/" + app + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth()
                    + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), null);
            case 5 -> raw("raw bytes in path", concat(utf8("GET /api/v1/apps/"), new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF, 0x01},
                    utf8(" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth() + "\r\n")), null);
            case 6 -> request("wrong method", pick(List.of("POST", "PUT", "DELETE", "PATCH", "FOO")),
                    pick(List.of("/healthz", "/metrics", "/api/v1/apps")), null, auth());
            case 7 -> request("unknown endpoint", "GET", pick(List.of("/api/v2/apps", "/api/v1/", "/api/v1/apps/" + app
                    + "/secrets", "/api/v1/../../etc/passwd", "/api/v1/%2e%2e/%2e%2e/etc/passwd", "/api//v1/apps")), null, auth());
            case 8 -> raw("http/0.9", utf8("GET /api/v1/apps\r\n\r\n"), null);
            default -> raw("absolute-form elsewhere", utf8("GET http://169.254.169.254/latest/meta-data HTTP/1.1\r\nHost: 169.254.169.254\r\n"
                    + "Connection: close\r\n\r\n"), null);
        };
    }

    /** Over the documented 1 MiB: mostly just over, a few of 10 MB, with and without Content-Length. */
    private Request oversized() {
        long length = huge++ < 12 && random.nextBoolean() ? 10L * 1024 * 1024 : 1024 * 1024 + 1 + random.nextInt(100_000);
        byte[] prefix = utf8("{\"compose\":\"");
        boolean chunked = random.nextBoolean();
        String head = "PUT /api/v1/apps/" + app + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth()
                + "Content-Type: application/json\r\n"
                + (chunked ? "Transfer-Encoding: chunked\r\n\r\n" : "Content-Length: " + length + "\r\n\r\n");
        RawHttp.Body body = RawHttp.Body.repeated(prefix, (byte) 'x', length);
        RawHttp.Body sent = chunked ? out -> {
            ByteArrayOutputStream chunk = new ByteArrayOutputStream();
            body.writeTo(new java.io.FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws java.io.IOException {
                    out.write(utf8(Integer.toHexString(len) + "\r\n"));
                    out.write(b, off, len);
                    out.write(utf8("\r\n"));
                }
            });
            out.write(utf8("0\r\n\r\n"));
            chunk.close();
        } : body;
        return new Request("oversized " + (length >= 10L * 1024 * 1024 ? "10 MB" : "1 MiB+") + (chunked ? " chunked" : ""),
                utf8(head), sent);
    }

    // ---- helpers

    private Request deploy(String kind, byte[] body) {
        return request(kind, "PUT", "/api/v1/apps/" + app, body, auth());
    }

    private String auth() {
        return "Authorization: Bearer " + token + "\r\n";
    }

    private static Request request(String kind, String method, String target, byte[] body, String headers) {
        String head = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers
                + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n") + "\r\n";
        return new Request(kind, head.getBytes(StandardCharsets.UTF_8), body == null ? null : RawHttp.Body.of(body));
    }

    private static Request raw(String kind, byte[] head, RawHttp.Body body) {
        return new Request(kind, head, body);
    }

    private <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }
}
