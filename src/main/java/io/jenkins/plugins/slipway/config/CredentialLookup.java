package io.jenkins.plugins.slipway.config;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.common.StandardCertificateCredentials;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.model.Run;
import hudson.security.ACL;
import hudson.util.ListBoxModel;
import hudson.util.Secret;
import io.jenkins.plugins.slipway.docker.DockerEndpoint;
import io.jenkins.plugins.slipway.push.RegistryLogin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.List;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * Resolves credential ids at the moment of use, never earlier: within a build through the run (so the
 * build's permissions apply), from the global configuration pages as SYSTEM (Administer was checked).
 * Errors name the id and the expected kind, never a secret.
 */
public final class CredentialLookup {
    private CredentialLookup() {
    }

    /** The engine endpoint; for a TLS credential the client key store travels as PKCS#12 bytes. */
    public static DockerEndpoint dockerEndpoint(@CheckForNull String uri, @CheckForNull String tlsCredentialsId,
                                                @CheckForNull Run<?, ?> run) throws IOException {
        String target = uri == null ? DockerHost.LOCAL_URI : uri;
        if (tlsCredentialsId == null) {
            return new DockerEndpoint(target, null, null);
        }
        StandardCertificateCredentials cert = find(tlsCredentialsId, StandardCertificateCredentials.class, run,
                "a Certificate credential (PKCS#12 with the client key, its certificate and the engine's CA)");
        try {
            ByteArrayOutputStream pkcs12 = new ByteArrayOutputStream();
            cert.getKeyStore().store(pkcs12, cert.getPassword().getPlainText().toCharArray());
            return new DockerEndpoint(target, pkcs12.toByteArray(), cert.getPassword());
        } catch (GeneralSecurityException e) {
            throw new AbortException("Credential '" + tlsCredentialsId + "' holds an unusable key store: " + e.getMessage());
        }
    }

    /** The login for a registry host; anonymous when no credential id is given. */
    public static RegistryLogin registryLogin(@NonNull String registryHost, @CheckForNull String credentialsId,
                                              @CheckForNull Run<?, ?> run) throws IOException {
        if (credentialsId == null) {
            return RegistryLogin.anonymous(registryHost);
        }
        StandardUsernamePasswordCredentials c = find(credentialsId, StandardUsernamePasswordCredentials.class, run,
                "a Username with password credential");
        return new RegistryLogin(registryHost, credentialsId, c.getUsername(), c.getPassword());
    }

    /** The runner's API token, or null when no credential is configured. */
    public static @CheckForNull Secret runnerToken(@CheckForNull String credentialsId, @CheckForNull Run<?, ?> run)
            throws IOException {
        if (credentialsId == null) {
            return null;
        }
        return find(credentialsId, StringCredentials.class, run, "a Secret text credential").getSecret();
    }

    /**
     * The drop-down of credential IDs of one kind for the global configuration page. Without Administer
     * it holds only the current value, so the page discloses no credential IDs.
     */
    public static ListBoxModel choices(Class<? extends StandardCredentials> type, @CheckForNull String current) {
        StandardListBoxModel model = new StandardListBoxModel();
        String value = current == null ? "" : current;
        if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
            model.includeCurrentValue(value);
            return model;
        }
        model.includeEmptyValue().includeAs(ACL.SYSTEM2, Jenkins.get(), type).includeCurrentValue(value);
        return model;
    }

    private static <C extends IdCredentials> C find(String id, Class<C> type, @CheckForNull Run<?, ?> run, String kind)
            throws AbortException {
        C found = null;
        if (run != null) {
            found = CredentialsProvider.findCredentialById(id, type, run);
        } else {
            List<C> all = CredentialsProvider.lookupCredentialsInItemGroup(type, Jenkins.get(), ACL.SYSTEM2, List.of());
            for (C c : all) {
                if (c.getId().equals(id)) {
                    found = c;
                    break;
                }
            }
        }
        if (found == null) {
            throw new AbortException("Credential '" + id + "' was not found, is not usable by this build, or is not "
                    + kind + ". Check Manage Jenkins > Credentials.");
        }
        return found;
    }
}
