package com.cloudbees.plugins.credentials.common;

/** Stand-in of credentials' {@code StandardUsernamePasswordCredentials}. */
public interface StandardUsernamePasswordCredentials extends StandardUsernameCredentials, UsernamePasswordCredentials {
}
