package com.cloudbees.plugins.credentials.common;

import com.cloudbees.plugins.credentials.Credentials;
import edu.umd.cs.findbugs.annotations.NonNull;

/** Stand-in of credentials' {@code UsernameCredentials}. */
public interface UsernameCredentials extends Credentials {
    @NonNull String getUsername();
}
