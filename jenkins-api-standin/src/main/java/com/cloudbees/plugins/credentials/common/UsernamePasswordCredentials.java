package com.cloudbees.plugins.credentials.common;

/** Stand-in of credentials' {@code UsernamePasswordCredentials}. */
public interface UsernamePasswordCredentials extends UsernameCredentials, PasswordCredentials {
}
