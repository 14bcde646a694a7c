package io.jenkins.plugins.slipway.config;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.common.StandardCertificateCredentials;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.model.Item;
import hudson.model.Queue;
import hudson.model.Run;
import hudson.model.queue.Tasks;
import hudson.security.ACL;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import hudson.util.Secret;
import io.jenkins.plugins.slipway.docker.DockerEndpoint;
import io.jenkins.plugins.slipway.push.RegistryLogin;
import io.jenkins.plugins.slipway.runner.client.RunnerTls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.springframework.security.core.Authentication;

/**
 * Resolves credential ids at the moment of use, never earlier: within a build through the run (so the
 * build's permissions apply), from the global configuration pages as SYSTEM (Administer was checked).
 * Errors name the id and the expected kind, never a secret. Forms get drop-downs and checks of ids
 * ({@link #choices(Item, Class, String)}, {@link #check}) that list only what a build could use, and only to
 * users allowed to configure it.
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
     * The content of a Secret text (its text, UTF-8) or Secret file credential, for a Compose secret's
     * {@code x-slipway.credentialsId}: looked up through the build, so only what the build may use is found.
     */
    public static byte[] secretValue(@NonNull String credentialsId, @NonNull Run<?, ?> run) throws IOException {
        StringCredentials text = CredentialsProvider.findCredentialById(credentialsId, StringCredentials.class, run);
        if (text != null) {
            return text.getSecret().getPlainText().getBytes(StandardCharsets.UTF_8);
        }
        FileCredentials file = find(credentialsId, FileCredentials.class, run, "a Secret text or Secret file credential");
        try (InputStream in = file.getContent()) {
            return in.readAllBytes();
        }
    }

    /**
     * How to trust a runner's certificate, or null for the system's CAs: a Secret text holding either a PEM CA
     * certificate or the SHA-256 fingerprint of the runner's own certificate; and, for runners that require
     * client certificates, a Certificate credential (PKCS#12) with the key and certificate to show.
     */
    public static @CheckForNull RunnerTls runnerTls(@CheckForNull String tlsCredentialsId,
                                                    @CheckForNull String clientCertificateCredentialsId,
                                                    @CheckForNull Run<?, ?> run) throws IOException {
        if (tlsCredentialsId == null) {
            if (clientCertificateCredentialsId != null) {
                throw new AbortException("A client certificate (credential '" + clientCertificateCredentialsId
                        + "') needs the runner's CA certificate or fingerprint as well (TLS credential)");
            }
            return null;
        }
        String trust = find(tlsCredentialsId, StringCredentials.class, run,
                "a Secret text credential (the runner's PEM CA certificate or SHA-256 fingerprint)").getSecret().getPlainText();
        RunnerTls tls;
        try {
            tls = RunnerTls.isFingerprint(trust) ? RunnerTls.pinning(trust) : RunnerTls.trustingCa(trust);
        } catch (IllegalArgumentException e) {
            throw new AbortException("Credential '" + tlsCredentialsId + "' holds neither a PEM CA certificate nor a"
                    + " SHA-256 fingerprint (AB:CD:..., 64 hex digits)");
        }
        if (clientCertificateCredentialsId == null) {
            return tls;
        }
        StandardCertificateCredentials cert = find(clientCertificateCredentialsId, StandardCertificateCredentials.class,
                run, "a Certificate credential (PKCS#12 with the client key and certificate)");
        return tls.withClientKeyStore(cert.getKeyStore(), cert.getPassword().getPlainText().toCharArray());
    }

    /** The drop-down of credential IDs of one kind for the global configuration page: {@link #choices(Item, Class, String)} at the root. */
    public static ListBoxModel choices(Class<? extends StandardCredentials> type, @CheckForNull String current) {
        return choices(null, type, current);
    }

    /**
     * The drop-down of credential IDs of one kind for a form about {@code item} (a step in a job's Snippet
     * Generator; null for the root's Snippet Generator and the global configuration): the empty value first,
     * then the credentials a build of the item can use (its folders' and the global ones, looked up as the
     * item's builds run), and the current value kept even when it is none of those, so saving the form does
     * not change it. The list itself is information: without the permission to configure what it lists
     * ({@link #mayList}) it holds only the current value.
     */
    public static ListBoxModel choices(@CheckForNull Item item, Class<? extends StandardCredentials> type,
                                       @CheckForNull String current) {
        StandardListBoxModel model = new StandardListBoxModel();
        String value = current == null ? "" : current;
        if (!mayList(item)) {
            model.includeCurrentValue(value);
            return model;
        }
        model.includeEmptyValue().includeAs(authenticationOf(item), item, type).includeCurrentValue(value);
        return model;
    }

    /**
     * Form validation of a credential ID for {@code item} (null: the root): a warning when no credential of
     * the type with that ID is usable there, as a build would find it. Says nothing to those who may not list
     * credentials, and names only the ID and the kind, never anything the credential holds.
     */
    public static <C extends StandardCredentials> FormValidation check(@CheckForNull Item item, Class<C> type,
                                                                       @CheckForNull String id, String kind) {
        String value = Strings.fixEmpty(id);
        if (value == null || !mayList(item)) {
            return FormValidation.ok();
        }
        if (value.startsWith("${") && value.endsWith("}")) {
            return FormValidation.ok("Taken from the credentials parameter " + value + " when the build runs");
        }
        ListBoxModel found = CredentialsProvider.listCredentialsInItem(type, item, authenticationOf(item), List.of(),
                CredentialsMatchers.withId(value));
        if (found.isEmpty()) {
            return FormValidation.warning("No " + kind + " credential with ID '" + value + "' is available "
                    + (item == null ? "in Jenkins" : "to this job") + ". Check Manage Jenkins > Credentials.");
        }
        return FormValidation.ok();
    }

    /**
     * Whether the current user may see which credentials {@code item} can use: at the root, Administer; on an
     * item, Extended Read (which Configure implies) or Credentials/UseItem, as the credentials plugin advises.
     */
    static boolean mayList(@CheckForNull Item item) {
        if (item == null) {
            return Jenkins.get().hasPermission(Jenkins.ADMINISTER);
        }
        return item.hasPermission(Item.EXTENDED_READ) || item.hasPermission(CredentialsProvider.USE_ITEM);
    }

    /** The authentication the item's builds run as, which is what decides the credentials they can use. */
    private static Authentication authenticationOf(@CheckForNull Item item) {
        return item instanceof Queue.Task task ? Tasks.getAuthenticationOf2(task) : ACL.SYSTEM2;
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
