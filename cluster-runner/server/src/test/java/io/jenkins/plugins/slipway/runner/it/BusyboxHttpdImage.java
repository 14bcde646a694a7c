package io.jenkins.plugins.slipway.runner.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A test image built {@code FROM scratch} (there is no Docker Hub here): the static busybox running httpd on port
 * 8080 over the files given under {@code /www}. A CGI script also gets {@code /bin/sh}, which busybox serves.
 * <pre>{@code
 * String tag = BusyboxHttpdImage.labelled("gray").file("health", "ok\n").file("index.html", "version 2\n")
 *         .build("gray-web:2");
 * }</pre>
 */
public final class BusyboxHttpdImage {
    private final String testLabel;
    private final Map<String, String> files = new LinkedHashMap<>();
    private final Map<String, String> scripts = new LinkedHashMap<>();

    private BusyboxHttpdImage(String testLabel) {
        this.testLabel = testLabel;
    }

    /** An image labelled {@code io.slipway.test=<testLabel>}, by which a test's clean-up finds its images. */
    public static BusyboxHttpdImage labelled(String testLabel) {
        return new BusyboxHttpdImage(testLabel);
    }

    /** A file served at {@code /<path>}. */
    public BusyboxHttpdImage file(String path, String text) {
        files.put(path, text);
        return this;
    }

    /** An executable served at {@code /<path>}: a CGI script when it is under {@code cgi-bin/}. */
    public BusyboxHttpdImage script(String path, String text) {
        scripts.put(path, text);
        return this;
    }

    /** Builds the image as {@code tag} on the local engine and answers the tag. */
    public String build(String tag) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("slipway-it-image-");
        Files.copy(Path.of("/usr/bin/busybox"), dir.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        Path www = Files.createDirectories(dir.resolve("www"));
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.createDirectories(www.resolve(f.getKey()).getParent());
            Files.writeString(www.resolve(f.getKey()), f.getValue());
        }
        for (Map.Entry<String, String> s : scripts.entrySet()) {
            Path script = www.resolve(s.getKey());
            Files.createDirectories(script.getParent());
            Files.writeString(script, s.getValue());
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\n"
                + "COPY busybox /bin/busybox\n"
                + (scripts.isEmpty() ? "" : "COPY busybox /bin/sh\n")
                + "COPY www /www\n"
                + "LABEL io.slipway.test=" + testLabel + "\n"
                + "ENTRYPOINT [\"/bin/busybox\"]\n"
                + "CMD [\"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]\n");
        Docker.run("build", "-q", "-t", tag, dir.toString());
        return tag;
    }
}
