package io.jenkins.plugins.slipway.runner.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The test side of the real engine, through the docker CLI: builds the test images (FROM scratch with the static
 * busybox), lists and kills the containers of the test apps ({@code it-*}).
 */
public final class Docker {
    private Docker() {
    }

    /** Runs docker with a deadline; returns stdout, throws with stderr on failure. */
    public static String run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("docker");
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("docker " + String.join(" ", args) + " took longer than 120 s");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("docker " + String.join(" ", args) + " failed: " + text);
        }
        return text;
    }

    /**
     * Builds {@code it-runner-web:<version>}: busybox httpd on 8080 serving "version &lt;version&gt;" at / and
     * {@code /health} (absent when {@code healthy} is false, so a health check against it never passes).
     */
    public static String image(String version, boolean healthy) throws IOException, InterruptedException {
        BusyboxHttpdImage image = BusyboxHttpdImage.labelled("runner").file("index.html", "version " + version + "\n");
        if (healthy) {
            image.file("health", "ok\n");
        }
        return image.build("it-runner-web:" + version);
    }

    /**
     * Builds {@code it-runner-web:<version>} that answers every request to / with 500 (a CGI through busybox sh)
     * while {@code /health} answers 200: healthy to the engine, failing for its users. For analysis tests.
     */
    public static String failingImage(String version) throws IOException, InterruptedException {
        return BusyboxHttpdImage.labelled("runner").file("health", "ok\n")
                .script("cgi-bin/index.cgi", "#!/bin/sh\nprintf 'Status: 500 Internal Server Error\\r\\nContent-Type: text/plain"
                        + "\\r\\n\\r\\nversion " + version + " fails\\n'\n")
                .build("it-runner-web:" + version);
    }

    /** Running containers of an app: "name revision state" per line, sorted. */
    public static List<String> containers(String app) throws IOException, InterruptedException {
        String out = run("ps", "-a", "--filter", "label=io.slipway.app=" + app, "--format",
                "{{.Names}} {{.Label \"io.slipway.revision\"}} {{.State}}");
        // Names end with the owning runner's id; the tests assert on the replica part.
        return out.lines().filter(l -> !l.isBlank())
                .map(l -> l.replaceFirst("^(\\S+)-[0-9a-f]{12} ", "$1 ")).sorted().toList();
    }

    /** Id of the container behind replica {@code index} of a service at a revision, found by its labels. */
    public static String replica(String app, String service, int revision, int index)
            throws IOException, InterruptedException {
        String id = run("ps", "-aq", "--filter", "label=io.slipway.app=" + app,
                "--filter", "label=io.slipway.service=" + service, "--filter", "label=io.slipway.revision=" + revision,
                "--filter", "label=io.slipway.replica=" + index).trim();
        if (id.isEmpty() || id.contains("\n")) {
            throw new IOException("expected one container for " + app + " " + service + "-" + revision + "-" + index
                    + ", found: " + (id.isEmpty() ? "none" : id.replace('\n', ' ')));
        }
        return id;
    }

    /** Removes every container of the test app (its label), whatever the runner did. */
    public static void removeApp(String app) throws IOException, InterruptedException {
        if (!app.startsWith("it-") && !app.startsWith("gray-")) {
            throw new IllegalArgumentException("tests only remove their own it-* and gray-* apps");
        }
        String ids = run("ps", "-aq", "--filter", "label=io.slipway.app=" + app);
        for (String id : ids.lines().filter(l -> !l.isBlank()).toList()) {
            run("rm", "-f", id);
        }
    }
}
