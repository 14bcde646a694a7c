package io.jenkins.plugins.slipway.runner.it.gray;

import io.jenkins.plugins.slipway.runner.it.BusyboxHttpdImage;
import java.io.IOException;

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
        BusyboxHttpdImage image = BusyboxHttpdImage.labelled("gray").file("health", "ok\n");
        if (failing) {
            // No index.html: busybox httpd runs cgi-bin/index.cgi for / instead.
            image.script("cgi-bin/index.cgi", "#!/bin/sh\necho 'Status: 500 Internal Server Error'\n"
                    + "echo 'Content-Type: text/plain'\necho\necho 'version " + version + " failing'\n");
        } else {
            image.file("index.html", "version " + version + "\n");
        }
        return image.build("gray-web:" + version);
    }
}
