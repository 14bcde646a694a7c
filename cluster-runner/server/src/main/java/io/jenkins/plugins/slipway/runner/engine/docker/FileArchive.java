package io.jenkins.plugins.slipway.runner.engine.docker;

import io.jenkins.plugins.slipway.runner.engine.container.ReplicaSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** A replica's files as the tar archive the Docker daemon's copy endpoint unpacks. */
final class FileArchive {
    private FileArchive() {
    }

    static byte[] tar(List<ReplicaSpec.File> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (ReplicaSpec.File f : files) {
                TarArchiveEntry e = new TarArchiveEntry(f.path().substring(1));
                e.setSize(f.content().length);
                e.setMode(0100000 | f.mode());
                e.setIds(f.uid(), f.gid());
                tar.putArchiveEntry(e);
                tar.write(f.content());
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
