package io.jenkins.plugins.slipway.push;

import com.github.dockerjava.api.model.AuthConfig;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.util.Secret;
import java.io.Serializable;

/**
 * A login for one registry, resolved from a credential at the moment of use. It travels to the agent in
 * memory only (never written to disk, unlike {@code docker login}'s config.json), and its
 * {@link #toString()} names the registry and the credential id, never the password.
 */
public final class RegistryLogin implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String registry;
    private final String credentialsId;
    private final String username;
    private final Secret password;

    public RegistryLogin(String registry, @CheckForNull String credentialsId, @CheckForNull String username,
                         @CheckForNull Secret password) {
        this.registry = registry;
        this.credentialsId = credentialsId;
        this.username = username;
        this.password = password;
    }

    public static RegistryLogin anonymous(String registry) {
        return new RegistryLogin(registry, null, null, null);
    }

    public String registry() {
        return registry;
    }

    public @CheckForNull String credentialsId() {
        return credentialsId;
    }

    public @CheckForNull String username() {
        return username;
    }

    public boolean isAnonymous() {
        return credentialsId == null;
    }

    /** The password in clear, for the one HTTP header or engine call that needs it. */
    @CheckForNull String password() {
        return password == null ? null : password.getPlainText();
    }

    AuthConfig toAuthConfig() {
        AuthConfig auth = new AuthConfig().withRegistryAddress(registry);
        if (!isAnonymous()) {
            auth = auth.withUsername(username).withPassword(password());
        }
        return auth;
    }

    /** Removes the password from text that will be shown (an engine or registry error message). */
    public String scrub(String text) {
        String p = password();
        if (text == null || p == null || p.isEmpty()) {
            return text;
        }
        return text.replace(p, "****");
    }

    @Override
    public String toString() {
        return isAnonymous() ? registry + " (anonymous)" : registry + " with credential '" + credentialsId + "'";
    }
}
