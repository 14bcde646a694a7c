package io.jenkins.plugins.slipway.runner.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The admin token file: the operator's credential, written owner-only when the runner first starts. The runner
 * itself keeps only hashes (in its database); it reads this file once, on the first start, and never again.
 */
final class TokenFile {
    private TokenFile() {
    }

    /**
     * The first admin token: the one in {@code file} when it exists (as an older runner or the operator left
     * it), else a new random one written there. A plain token an older runner kept at {@code <data>/token}
     * is taken over instead and moved to {@code file}, so that the data dir holds no token after the start.
     */
    static String initial(Path file, Path dataDir, PrintWriter err) throws IOException {
        Path legacy = dataDir.resolve("token");
        if (Files.exists(legacy) && !sameFile(legacy, file)) {
            String token = read(legacy);
            if (Files.exists(file)) {
                Files.delete(legacy);
            } else {
                write(file, token);
                Files.delete(legacy);
                err.println("slipway-runner: moved the API token from " + legacy + " to " + file
                        + " (the data dir keeps only its hash)");
            }
            return token;
        }
        if (Files.exists(file)) {
            return read(file);
        }
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        String token = "slw_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        write(file, token);
        return token;
    }

    private static void write(Path file, String token) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (!Files.exists(parent)) {
            Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, token + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    private static boolean sameFile(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    static String read(Path file) throws IOException {
        String token = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (token.isEmpty()) {
            throw new IOException("token file " + file + " is empty");
        }
        return token;
    }
}
