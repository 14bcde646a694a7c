package com.cloudbees.plugins.credentials;

import com.cloudbees.plugins.credentials.common.IdCredentials;
import edu.umd.cs.findbugs.annotations.NonNull;

/** Stand-in of credentials' {@code CredentialsMatchers} (the members Slipway uses). */
public class CredentialsMatchers {
    private CredentialsMatchers() {
        throw new UnsupportedOperationException("Utility class");
    }

    @NonNull
    public static CredentialsMatcher always() {
        return new ConstantMatcher(true);
    }

    @NonNull
    public static CredentialsMatcher withId(@NonNull String id) {
        return new IdMatcher(id);
    }

    private record ConstantMatcher(boolean match) implements CredentialsMatcher {
        @Override
        public boolean matches(@NonNull Credentials item) {
            return match;
        }
    }

    private record IdMatcher(String id) implements CredentialsMatcher {
        @Override
        public boolean matches(@NonNull Credentials item) {
            return item instanceof IdCredentials c && id.equals(c.getId());
        }
    }
}
