package io.jenkins.plugins.slipway.runner.it.gray;

import io.jenkins.plugins.slipway.runner.it.Docker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Test images and clean-up of the gray-release ITs: {@code gray-web:<version>} is busybox httpd on 8080 (FROM
 * scratch), answering "version &lt;version&gt;" at / and "ok" at /health; the {@code bad} variant answers / with
 * 500 through a CGI script while /health stays 200, so it is healthy and only analysis can catch it.
 */
final class GrayImages {
    private GrayImages() {
    }

    static String web(String version) throws IOException, InterruptedException {
        return build(version, false);
    }

    /** Healthy, but every answer on / is a 500. */
    static String failing(String version) throws IOException, InterruptedException {
        return build(version, true);
    }

    private static String build(String version, boolean failing) throws IOException, InterruptedException {
        String tag = "gray-web:" + version;
        Path dir = Files.createTempDirectory("slipway-gray-image-");
        Files.copy(Path.of("/usr/bin/busybox"), dir.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.createDirectories(dir.resolve("www/cgi-bin"));
        Files.writeString(dir.resolve("www/health"), "ok\n");
        if (failing) {
            // No index.html: busybox httpd runs cgi-bin/index.cgi for / instead.
            Path cgi = dir.resolve("www/cgi-bin/index.cgi");
            Files.writeString(cgi, "#!/bin/sh\necho 'Status: 500 Internal Server Error'\necho 'Content-Type: text/plain'\n"
                    + "echo\necho 'version " + version + " failing'\n");
            Files.setPosixFilePermissions(cgi, PosixFilePermissions.fromString("rwxr-xr-x"));
        } else {
            Files.writeString(dir.resolve("www/index.html"), "version " + version + "\n");
        }
        Files.writeString(dir.resolve("Dockerfile"), """
                FROM scratch
                COPY busybox /bin/busybox
                COPY busybox /bin/sh
                COPY www /www
                LABEL io.slipway.test=gray
                ENTRYPOINT ["/bin/busybox"]
                CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
                """);
        Docker.run("build", "-q", "-t", tag, dir.toString());
        return tag;
    }
}
