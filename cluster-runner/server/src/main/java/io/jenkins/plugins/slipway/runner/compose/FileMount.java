package io.jenkins.plugins.slipway.runner.compose;

/**
 * One secret or config a service mounts: the file {@code target} inside each replica, owned by
 * {@code uid}:{@code gid} with {@code mode}. The value is not here: it stays encrypted in the runner's store until
 * an engine creates a replica ({@link io.jenkins.plugins.slipway.runner.engine.FileValues}). {@code digest} is a
 * keyed hash of the value (never the value), so that a changed secret changes the service's spec and makes a new
 * revision, while the spec, its hash and everything shown about it say nothing about the value.
 *
 * @param kind    a secret or a config
 * @param source  the top-level secret or config name
 * @param target  absolute path in the container
 * @param uid     owner's user id
 * @param gid     owner's group id
 * @param mode    permission bits, 0 to 0777
 * @param digest  keyed hash of the value; for an inline config ({@code content:}) null, the content is here
 * @param content an inline config's text ({@code configs.NAME.content}, which the Compose file holds in the
 *                open anyway); null for every other source
 * @param external the name of a secret or config that exists on the engine already ({@code external: true}, named
 *                 by {@code name:} or else by the source), which the runner mounts but neither holds, creates nor
 *                 removes; null for a value the runner holds
 */
public record FileMount(Kind kind, String source, String target, int uid, int gid, int mode, String digest,
                        String content, String external) {

    /** A mount of a value the runner holds. */
    public FileMount(Kind kind, String source, String target, int uid, int gid, int mode, String digest,
                     String content) {
        this(kind, source, target, uid, gid, mode, digest, content, null);
    }

    /** The two top-level sections a mount comes from. */
    public enum Kind {
        SECRET("secrets", "/run/secrets/"),
        CONFIG("configs", "/");

        private final String key;
        private final String defaultDirectory;

        Kind(String key, String defaultDirectory) {
            this.key = key;
            this.defaultDirectory = defaultDirectory;
        }

        /** The Compose key: {@code secrets} or {@code configs}. */
        public String key() {
            return key;
        }

        /** Where a target without a leading slash goes (the Compose specification's defaults). */
        public String defaultDirectory() {
            return defaultDirectory;
        }
    }

    /** Names, places and modes only; the digest is a keyed hash and safe to show. */
    @Override
    public String toString() {
        return kind.key + ":" + source + "->" + target + "[" + uid + ":" + gid + " " + Integer.toOctalString(mode)
                + (digest == null ? "" : " " + digest) + (content == null ? "" : " inline " + content.hashCode())
                + (external == null ? "" : " external " + external) + "]";
    }
}
