package io.jenkins.plugins.slipway.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildContextTest {
    @TempDir
    Path dir;

    @Test
    void honoursDockerignoreAndKeepsModes() throws Exception {
        Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\n");
        Files.writeString(dir.resolve(".dockerignore"), "# comment\n*.log\nbuild\n!build/keep.txt\nDockerfile\n");
        Files.writeString(dir.resolve("app.log"), "x");
        Files.writeString(dir.resolve("run.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(dir.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(dir.resolve("build/out"));
        Files.writeString(dir.resolve("build/out/a.o"), "x");
        Files.writeString(dir.resolve("build/keep.txt"), "x");
        Files.createDirectories(dir.resolve("src"));
        Files.writeString(dir.resolve("src/main.c"), "int main(){}");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BuildContext.of(dir.toFile()).writeTar("Dockerfile", bytes);

        Map<String, Integer> entries = new HashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                entries.put(e.getName(), e.getMode());
            }
        }
        assertThat(entries).containsKeys("Dockerfile", ".dockerignore", "run.sh", "src/main.c", "build/keep.txt")
                .doesNotContainKeys("app.log", "build/out/a.o");
        assertThat(entries.get("run.sh") & 0777).isEqualTo(0755);
        assertThat(entries.get("src/main.c") & 0777).isEqualTo(0644);
    }
}
