package org.jenkinsci.remoting;

/** Stand-in of remoting's {@code RoleSensitive}. */
public interface RoleSensitive {
    void checkRoles(RoleChecker checker) throws SecurityException;
}
