package hudson;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.remoting.VirtualChannel;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.jenkinsci.remoting.RoleSensitive;
import org.jenkinsci.remoting.SerializableOnlyOverRemoting;

/**
 * Stand-in of core's {@code FilePath}. Every path is local: {@link #act} runs the callable in this JVM, as
 * real Jenkins does for a workspace on the controller.
 */
public final class FilePath implements SerializableOnlyOverRemoting {
    private static final long serialVersionUID = 1L;
    private final String remote;

    public FilePath(@NonNull File localPath) {
        this.remote = localPath.getPath();
    }

    public FilePath(@CheckForNull VirtualChannel channel, @NonNull String remote) {
        this.remote = remote;
    }

    public FilePath(@NonNull FilePath base, @NonNull String rel) {
        this.remote = new File(new File(base.remote), rel).getPath();
    }

    public @NonNull String getRemote() {
        return remote;
    }

    public @NonNull String getName() {
        return new File(remote).getName();
    }

    public @NonNull FilePath child(String relOrAbsolute) {
        File f = new File(relOrAbsolute);
        return new FilePath(f.isAbsolute() ? f : new File(new File(remote), relOrAbsolute));
    }

    public boolean exists() throws IOException, InterruptedException {
        return new File(remote).exists();
    }

    public boolean isDirectory() throws IOException, InterruptedException {
        return new File(remote).isDirectory();
    }

    public void mkdirs() throws IOException, InterruptedException {
        Files.createDirectories(new File(remote).toPath());
    }

    public InputStream read() throws IOException, InterruptedException {
        return Files.newInputStream(new File(remote).toPath());
    }

    public String readToString() throws IOException, InterruptedException {
        return Files.readString(new File(remote).toPath(), Charset.defaultCharset());
    }

    public void write(String content, String encoding) throws IOException, InterruptedException {
        File f = new File(remote);
        if (f.getParentFile() != null) {
            Files.createDirectories(f.getParentFile().toPath());
        }
        Files.writeString(f.toPath(), content, encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding));
    }

    public <T> T act(final FileCallable<T> callable) throws IOException, InterruptedException {
        return callable.invoke(new File(remote), null);
    }

    @Override
    public String toString() {
        return remote;
    }

    /** Stand-in of {@code FilePath.FileCallable}. */
    public interface FileCallable<T> extends Serializable, RoleSensitive {
        T invoke(File f, VirtualChannel channel) throws IOException, InterruptedException;
    }
}
