package jenkins.util;

import edu.umd.cs.findbugs.annotations.NonNull;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Stand-in of core's {@code jenkins.util.Timer}: the controller's shared scheduler for background and timed
 * work. As in core: ten daemon threads, created lazily, thrown away by {@link #shutdown()}.
 */
public class Timer {
    static ScheduledExecutorService executorService;

    private Timer() {
    }

    @NonNull
    public static synchronized ScheduledExecutorService get() {
        if (executorService == null) {
            executorService = new ScheduledThreadPoolExecutor(10, r -> {
                Thread t = new Thread(r, "jenkins.util.Timer");
                t.setDaemon(true);
                return t;
            });
        }
        return executorService;
    }

    public static synchronized void shutdown() {
        if (executorService != null) {
            executorService.shutdownNow();
            executorService = null;
        }
    }
}
