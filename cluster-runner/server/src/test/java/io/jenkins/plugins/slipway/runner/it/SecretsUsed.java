package io.jenkins.plugins.slipway.runner.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Every token and secret a test used, one a line in {@code target/test-secrets.txt}: scripts/check-no-secrets.sh
 * greps the suite's logs and reports for each of them at the end of the suite.
 */
public final class SecretsUsed {
    /** Shorter values would match by chance in any log; tests use long random ones. */
    static final int MIN_LENGTH = 8;
    private static final Path FILE = Path.of("target", "test-secrets.txt");

    private SecretsUsed() {
    }

    /** Records {@code secret} and hands it back, so that a test can write {@code String t = record(...)}. */
    public static synchronized String record(String secret) {
        if (secret != null && secret.length() >= MIN_LENGTH) {
            try {
                Files.createDirectories(FILE.getParent());
                Files.writeString(FILE, secret + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return secret;
    }
}
