package hudson.model;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Stand-in of core's {@code Computer}, for its {@link #threadPoolForRemoting} only: the controller's cached
 * pool of daemon threads for blocking work (core wraps it to run tasks as SYSTEM; nothing here checks).
 */
public abstract class Computer extends Actionable {
    public static final ExecutorService threadPoolForRemoting = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "Computer.threadPoolForRemoting");
        t.setDaemon(true);
        return t;
    });
}
