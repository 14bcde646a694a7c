package io.jenkins.plugins.slipway.runner.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The free space of the runner's data dir, checked before a change is taken. H2 writes into room its file already
 * has, so with the disk full a small change may still succeed and the next, larger one fail half way through a
 * release; refusing every change below a small reserve gives the same answer each time (a 503 that names the
 * cause), as etcd's space quota and the kubelet's eviction thresholds do.
 */
public final class DataDisk {
    /** Far more than one change writes (a deploy with its spec and events is tens of KiB). */
    public static final long RESERVE_BYTES = 1024 * 1024;

    private final Path dir;
    private final long reserveBytes;

    public DataDisk(Path dir, long reserveBytes) {
        this.dir = dir;
        this.reserveBytes = reserveBytes;
    }

    /**
     * @throws StoreException whose {@link StoreException#diskFull()} is true when less than the reserve is free
     */
    public void requireRoom() {
        long free;
        try {
            free = Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return; // cannot tell: the write itself will say
        }
        if (free < reserveBytes) {
            throw new StoreException("the data disk is full", new IOException("No space left on device: "
                    + free / 1024 + " KiB free in " + dir + ", the runner keeps " + reserveBytes / 1024
                    + " KiB in reserve"));
        }
    }
}
