package jenkins;

import hudson.FilePath;
import org.jenkinsci.remoting.RoleChecker;

/**
 * Stand-in of core's {@code MasterToSlaveFileCallable}: a FileCallable the controller sends to an agent.
 * (Newest cores interpose {@code ControllerToAgentFileCallable}; this one is present in every core.)
 */
public abstract class MasterToSlaveFileCallable<T> implements FilePath.FileCallable<T> {
    private static final long serialVersionUID = 1L;

    @Override
    public void checkRoles(RoleChecker checker) throws SecurityException {
        // Real core checks Roles.AGENT; in one JVM there is no channel to check.
    }
}
