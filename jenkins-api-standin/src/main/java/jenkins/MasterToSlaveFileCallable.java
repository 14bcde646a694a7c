package jenkins;

import hudson.FilePath;
import org.jenkinsci.remoting.RoleChecker;

/**
 * Stand-in of core's {@code MasterToSlaveFileCallable}: a FileCallable the controller sends to an agent.
 * Present in every core the plugin supports, so the plugin's callables extend it.
 */
public abstract class MasterToSlaveFileCallable<T> implements FilePath.FileCallable<T> {
    private static final long serialVersionUID = 1L;

    @Override
    public void checkRoles(RoleChecker checker) throws SecurityException {
        // Real core checks Roles.AGENT; in one JVM there is no channel to check.
    }
}
