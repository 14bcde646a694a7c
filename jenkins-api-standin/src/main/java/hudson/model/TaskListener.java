package hudson.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.jenkinsci.remoting.SerializableOnlyOverRemoting;

/** Stand-in of core's {@code TaskListener}. */
public interface TaskListener extends SerializableOnlyOverRemoting {
    @NonNull PrintStream getLogger();

    default void hyperlink(String url, String text) throws IOException {
        getLogger().print(text);
    }

    @NonNull
    default PrintWriter error(String msg) {
        getLogger().print("ERROR: ");
        getLogger().println(msg);
        return new PrintWriter(new java.io.OutputStreamWriter(getLogger(), StandardCharsets.UTF_8), true);
    }
}
