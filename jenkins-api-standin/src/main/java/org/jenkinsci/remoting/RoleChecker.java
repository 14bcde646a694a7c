package org.jenkinsci.remoting;

/** Stand-in of remoting's {@code RoleChecker}. */
public abstract class RoleChecker {
}
