package hudson.model.queue;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Queue.Task;
import org.springframework.security.core.Authentication;

/** Stand-in of core's {@code Tasks} (other members left out). */
public class Tasks {
    /**
     * The authentication a task's builds are likely to run as. Real Jenkins asks the configured
     * QueueItemAuthenticators first; the stand-in has none, so it is the task's default authentication.
     */
    public static @NonNull Authentication getAuthenticationOf2(@NonNull Task t) {
        return t.getDefaultAuthentication2();
    }
}
