package io.jenkins.plugins.slipway.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private String initial(Path file, Path data) throws Exception {
        return TokenFile.initial(file, data, new PrintWriter(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void firstTokenIsRandomOwnerOnlyOutsideTheDataDirAndReused() throws Exception {
        Path file = dir.resolve("config/token");
        String token = initial(file, dir.resolve("data"));
        assertThat(token).startsWith("slw_").hasSize(4 + 43);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(initial(file, dir.resolve("data"))).isEqualTo(token);
        assertThat(initial(dir.resolve("other/token"), dir.resolve("data"))).isNotEqualTo(token);
    }

    @Test
    void anOlderRunnersPlainTokenLeavesTheDataDirAndStaysTheSame() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        String old = "0123456789abcdef".repeat(4);
        Files.writeString(data.resolve("token"), old + "\n");
        Path file = dir.resolve("config/token");

        assertThat(initial(file, data)).isEqualTo(old);

        assertThat(data.resolve("token")).doesNotExist();
        assertThat(Files.readString(file).trim()).isEqualTo(old);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("moved the API token").doesNotContain(old);
    }
}
