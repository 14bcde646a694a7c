package io.jenkins.plugins.slipway.runner.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.slipway.runner.compose.FileMount;
import io.jenkins.plugins.slipway.runner.engine.EngineException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretStoreTest {
    private static final String VALUE = "s3cr3t-value-" + java.util.UUID.randomUUID();

    @TempDir
    Path data;

    @Test
    void valuesAreSealedAtRestAndOpenOnlyForTheirRevision() throws Exception {
        SecretStore store = SecretStore.open(data);
        byte[] value = VALUE.getBytes(StandardCharsets.UTF_8);
        store.save("shop", 3, new DeployFiles(Map.of("db", value), Map.of("conf", "c".getBytes()), Map.of("a.env", "A=1")));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("secrets.key"))))
                .isEqualTo("rw-------");
        try (Stream<Path> files = Files.walk(data)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString())
                        .doesNotContain(VALUE).doesNotContain("A=1");
            }
        }
        DeployFiles back = SecretStore.open(data).load("shop", 3);
        assertThat(back.secrets().get("db")).isEqualTo(value);
        assertThat(back.envFiles()).containsEntry("a.env", "A=1");
        assertThat(back.toString()).doesNotContain(VALUE);

        Path sealed = data.resolve("secrets/shop/3.sealed");
        Files.createDirectories(data.resolve("secrets/other"));
        Files.copy(sealed, data.resolve("secrets/other/3.sealed"));
        assertThatThrownBy(() -> store.load("other", 3)).hasMessageContaining("do not open");
    }

    @Test
    void anEngineGetsAValueOnlyWhenItsDigestMatchesTheSpec() throws Exception {
        SecretStore store = SecretStore.open(data);
        byte[] value = VALUE.getBytes(StandardCharsets.UTF_8);
        store.save("shop", 1, new DeployFiles(Map.of("db", value), Map.of(), Map.of()));
        String digest = store.digest(value);
        FileMount mount = new FileMount(FileMount.Kind.SECRET, "db", "/run/secrets/db", 0, 0, 0400, digest, null);

        assertThat(store.value("shop", 1, mount)).isEqualTo(value);
        assertThat(digest).doesNotContain(VALUE).isNotEqualTo(SecretStore.open(Files.createTempDirectory(data, "other")).digest(value));
        assertThatThrownBy(() -> store.value("shop", 2, mount)).isInstanceOf(EngineException.class)
                .hasMessageNotContaining(VALUE);

        store.delete("shop");
        assertThat(store.load("shop", 1)).isEqualTo(DeployFiles.NONE);
    }
}
