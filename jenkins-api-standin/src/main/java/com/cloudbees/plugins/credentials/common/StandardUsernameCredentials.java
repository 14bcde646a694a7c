package com.cloudbees.plugins.credentials.common;

/** Stand-in of credentials' {@code StandardUsernameCredentials}. */
public interface StandardUsernameCredentials extends StandardCredentials, UsernameCredentials {
}
