package io.jenkins.plugins.slipway.runner.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dashboard's files as the runner's API server answers them: the fixed list, its headers, nothing else. */
class DashboardFilesTest {
    private static final Path SOURCES = Path.of("src/main/resources/dashboard");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static ApiServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new ApiServer("127.0.0.1", 0, "the-token");
        new DashboardFiles().register(server);
        server.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyFileOfTheDashboardIsListedAndEveryImportIsServed() throws IOException {
        List<String> onDisk;
        try (Stream<Path> files = Files.list(SOURCES)) {
            onDisk = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(DashboardFiles.FILES).containsExactlyInAnyOrderElementsOf(onDisk);
        Pattern imports = Pattern.compile("from '\\./([^']+)'");
        for (String name : onDisk) {
            Matcher m = imports.matcher(Files.readString(SOURCES.resolve(name)));
            while (m.find()) {
                assertThat(DashboardFiles.FILES).as(name + " imports " + m.group(1)).contains(m.group(1));
            }
        }
    }

    @Test
    void pageAndFilesComeWithTheirTypeAStrictPolicyAndRevalidation() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).startsWith("default-src 'self';").doesNotContain("unsafe"));
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(page.body()).contains("<script type=\"module\" src=\"/dashboard/main.js\">");

        HttpResponse<String> js = get("/dashboard/main.js");
        assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(get("/dashboard/style.css").headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
        assertThat(get("/dashboard/favicon.svg").headers().firstValue("Content-Type")).hasValue("image/svg+xml");

        String etag = js.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = get("/dashboard/main.js", "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void nothingOutsideTheListIsServed() throws Exception {
        for (String path : List.of("/dashboard/nope.js", "/dashboard/", "/index.html", "/dashboard/main.js/x",
                "/dashboard/DashboardFiles.class", "/dashboard/dashboard/main.js")) {
            assertThat(get(path).statusCode()).as(path).isEqualTo(404);
        }
        // Refused by the server as ambiguous (400) or by the list (404); never a file.
        for (String path : List.of("/dashboard/..%2f..%2fpom.xml", "/dashboard/%2e%2e/pom.xml",
                "/dashboard/..%5cpom.xml", "/dashboard/%2e%2e")) {
            assertThat(get(path).statusCode()).as(path).isIn(400, 404);
        }
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/dashboard/main.js")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }
}
