package io.jenkins.plugins.slipway.build;

import com.github.dockerjava.core.GoLangFileMatch;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes the build context as the docker CLI sends it: an uncompressed tar of the context directory
 * minus what {@code .dockerignore} excludes (last matching pattern wins, {@code !} re-includes, a
 * pattern matching a directory excludes what is inside), with the Dockerfile and .dockerignore always
 * included and file modes kept. docker-java's own context builder gzips into a temporary file, which the
 * engine then has to unzip: measurably slower for no gain on a local socket.
 */
final class BuildContext {
    private final Path root;
    private final List<String> patterns;

    private BuildContext(Path root, List<String> patterns) {
        this.root = root;
        this.patterns = patterns;
    }

    static BuildContext of(File contextDir) throws IOException {
        Path root = contextDir.toPath().toAbsolutePath().normalize();
        List<String> patterns = new ArrayList<>();
        Path ignore = root.resolve(".dockerignore");
        if (Files.isRegularFile(ignore)) {
            for (String line : Files.readAllLines(ignore, StandardCharsets.UTF_8)) {
                String p = line.trim();
                if (p.isEmpty() || p.startsWith("#")) {
                    continue;
                }
                boolean exception = p.startsWith("!");
                String body = exception ? p.substring(1).trim() : p;
                body = Path.of(body.replaceFirst("^/+", "")).normalize().toString();
                patterns.add(exception ? "!" + body : body);
            }
        }
        return new BuildContext(root, patterns);
    }

    /** Writes the tar to {@code out}; {@code dockerfile} (relative to the context) is always included. */
    void writeTar(String dockerfile, OutputStream out) throws IOException {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new BufferedOutputStream(out, 64 * 1024))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : (Iterable<Path>) walk::iterator) {
                    if (p.equals(root)) {
                        continue;
                    }
                    String rel = root.relativize(p).toString().replace(File.separatorChar, '/');
                    boolean always = rel.equals(dockerfile) || rel.equals(".dockerignore");
                    if (!always && excluded(rel)) {
                        continue;
                    }
                    add(tar, p, rel);
                }
            }
            tar.finish();
        }
    }

    boolean excluded(String rel) {
        if (patterns.isEmpty()) {
            return false;
        }
        boolean excluded = false;
        for (String pattern : patterns) {
            boolean exception = pattern.startsWith("!");
            String body = exception ? pattern.substring(1) : pattern;
            if (matchesSelfOrParent(body, rel)) {
                excluded = !exception;
            }
        }
        return excluded;
    }

    private static boolean matchesSelfOrParent(String pattern, String rel) {
        String path = rel;
        while (true) {
            if (GoLangFileMatch.match(pattern, path)) {
                return true;
            }
            int slash = path.lastIndexOf('/');
            if (slash < 0) {
                return false;
            }
            path = path.substring(0, slash);
        }
    }

    private static void add(TarArchiveOutputStream tar, Path p, String rel) throws IOException {
        if (Files.isSymbolicLink(p)) {
            TarArchiveEntry link = new TarArchiveEntry(rel, TarConstants.LF_SYMLINK);
            link.setLinkName(Files.readSymbolicLink(p).toString());
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            TarArchiveEntry dir = new TarArchiveEntry(rel + "/");
            dir.setMode(040755);
            dir.setModTime(Files.getLastModifiedTime(p).toMillis());
            tar.putArchiveEntry(dir);
            tar.closeArchiveEntry();
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            TarArchiveEntry file = new TarArchiveEntry(rel);
            file.setSize(Files.size(p));
            file.setMode(Files.isExecutable(p) ? 0100755 : 0100644);
            file.setModTime(Files.getLastModifiedTime(p).toMillis());
            tar.putArchiveEntry(file);
            Files.copy(p, tar);
            tar.closeArchiveEntry();
        }
    }
}
