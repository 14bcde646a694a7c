package io.jenkins.plugins.slipway.runner.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database on a real, small tmpfs that fills up: a write fails as "disk full" and changes nothing, reads go on,
 * and writes succeed again by themselves once space is freed, with everything committed before still there.
 * Needs root (mount); skipped without it.
 */
class DatabaseDiskFullTest {
    @TempDir
    Path dir;
    private Path mount;
    private boolean mounted;

    @BeforeEach
    void mountTmpfs() throws Exception {
        mount = Files.createDirectory(dir.resolve("data"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        mounted = p.waitFor() == 0;
        assumeTrue(mounted, "mounting a tmpfs needs root: " + new String(p.getInputStream().readAllBytes()));
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void aFullDiskRefusesWritesKeepsReadsAndRecoversWhenSpaceReturns() throws Exception {
        AppRepository apps = new AppRepository();
        try (Database db = Database.open(mount)) {
            db.tx(c -> {
                apps.save(c, new AppRecord("before", 1, 1, null));
                return null;
            });
            Path filler = fill(mount.resolve("filler"));

            StoreException full = null;
            for (int i = 0; i < 50 && full == null; i++) {
                String name = "during-" + i;
                try {
                    db.tx(c -> {
                        apps.save(c, new AppRecord(name, 1, 1, null));
                        return null;
                    });
                } catch (StoreException e) {
                    full = e;
                }
            }
            assertThat(full).as("a write on the full disk fails").isNotNull();
            assertThat(full.diskFull()).as(full.toString()).isTrue();
            assertThat(exists(db, apps, "before")).as("reads go on while the disk is full").isTrue();

            Files.delete(filler);
            db.tx(c -> {
                apps.save(c, new AppRecord("after", 1, 1, null));
                return null;
            });
            assertThat(exists(db, apps, "after")).isTrue();
        }
        try (Database db = Database.open(mount)) {
            assertThat(exists(db, apps, "before")).isTrue();
            assertThat(exists(db, apps, "after")).isTrue();
            java.util.List<AppRecord> all = db.tx(apps::all);
            assertThat(all).extracting(AppRecord::name).contains("before", "after");
        }
    }

    private static boolean exists(Database db, AppRepository apps, String name) {
        java.util.Optional<AppRecord> found = db.tx(c -> apps.find(c, name));
        return found.isPresent();
    }

    /** Writes zeros until the file system is full; returns the file. */
    static Path fill(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] block = new byte[64 * 1024];
            for (int i = 0; i < 100_000; i++) {
                out.write(block);
            }
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("No space left")) {
                return file;
            }
            throw e;
        }
        throw new AssertionError("the file system did not fill up");
    }
}
