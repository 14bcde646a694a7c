package io.jenkins.plugins.slipway.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Image;
import io.jenkins.plugins.slipway.config.DockerHost;
import io.jenkins.plugins.slipway.docker.DockerEndpoint;
import io.jenkins.plugins.slipway.docker.DockerEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;

/**
 * The real engine and registry the ITs use (bash scripts/env-up.sh brings both up), and test build
 * contexts: images are built FROM scratch with the static busybox copied in as /bin/sh.
 * Every image the ITs make is named {@value #REPO_PREFIX}* (or lives on a registry the test started).
 */
public final class DockerFixture {
    public static final String REGISTRY = "127.0.0.1:5000";
    public static final String REPO_PREFIX = REGISTRY + "/slipway-it/";
    private static final Path BUSYBOX = Paths.get(System.getProperty("slipway.busybox", "/usr/bin/busybox"));

    private DockerFixture() {
    }

    public static DockerClient client() {
        try {
            return DockerEngine.open(new DockerEndpoint(DockerHost.LOCAL_URI, null, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code dockerfile} (as "Dockerfile") and busybox into {@code dir}. */
    public static Path context(Path dir, String dockerfile) throws IOException {
        Files.createDirectories(dir);
        Files.copy(BUSYBOX, dir.resolve("busybox"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(dir.resolve("Dockerfile"), dockerfile);
        return dir;
    }

    /** Removes every local image whose tags start with {@code prefix} (only ever our own prefixes). */
    public static void removeImages(String prefix) {
        if (!prefix.contains("slipway-it/")) {
            throw new IllegalArgumentException("refusing to remove images outside slipway-it/: " + prefix);
        }
        try (DockerClient docker = client()) {
            for (Image image : docker.listImagesCmd().exec()) {
                if (image.getRepoTags() == null) {
                    continue;
                }
                for (String tag : image.getRepoTags()) {
                    if (tag.startsWith(prefix)) {
                        try {
                            docker.removeImageCmd(tag).withForce(true).exec();
                        } catch (RuntimeException e) {
                            // Already gone (another tag of the same image removed it): fine.
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
