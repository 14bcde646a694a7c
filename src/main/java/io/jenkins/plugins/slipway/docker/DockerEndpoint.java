package io.jenkins.plugins.slipway.docker;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.util.Secret;
import java.io.Serializable;

/**
 * Where a step's Docker work goes: the engine URI and, for TLS, the client key store (PKCS#12 bytes plus
 * its password). Serializable because it travels with the work to the agent that holds the workspace;
 * it is never written to disk, and {@link #toString()} shows only the URI.
 */
public final class DockerEndpoint implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String uri;
    private final byte[] pkcs12;
    private final Secret keyStorePassword;

    public DockerEndpoint(String uri, @CheckForNull byte[] pkcs12, @CheckForNull Secret keyStorePassword) {
        this.uri = uri;
        this.pkcs12 = pkcs12 == null ? null : pkcs12.clone();
        this.keyStorePassword = keyStorePassword;
    }

    public String getUri() {
        return uri;
    }

    boolean hasTls() {
        return pkcs12 != null;
    }

    byte[] pkcs12() {
        return pkcs12.clone();
    }

    Secret keyStorePassword() {
        return keyStorePassword;
    }

    @Override
    public String toString() {
        return uri + (hasTls() ? " (TLS client certificate)" : "");
    }
}
