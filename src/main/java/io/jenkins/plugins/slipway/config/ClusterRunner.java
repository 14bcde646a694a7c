package io.jenkins.plugins.slipway.config;

import com.cloudbees.plugins.credentials.common.StandardCertificateCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import hudson.util.Secret;
import io.jenkins.plugins.slipway.runner.client.HttpRunnerClient;
import io.jenkins.plugins.slipway.runner.client.RunnerException;
import io.jenkins.plugins.slipway.runner.client.RunnerTls;
import io.jenkins.plugins.slipway.runner.client.Tokens;
import java.io.IOException;
import java.time.Duration;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * A Slipway cluster runner: its name, base URL, the Secret-text credential holding its API token and, for an
 * {@code https://} runner whose certificate no system CA signed, the credential saying how to trust it.
 */
public final class ClusterRunner implements Describable<ClusterRunner> {
    private final String name;
    private final String url;
    private String credentialsId;
    private String tlsCredentialsId;
    private String clientCertificateCredentialsId;

    @DataBoundConstructor
    public ClusterRunner(String name, String url) {
        this.name = Strings.fixEmpty(name);
        this.url = Strings.fixEmpty(url);
    }

    public String getName() {
        return name;
    }

    public String getUrl() {
        return url;
    }

    /** Id of a Secret text credential with the runner's API token; null when the runner needs none. */
    public @CheckForNull String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(@CheckForNull String credentialsId) {
        this.credentialsId = Strings.fixEmpty(credentialsId);
    }

    /**
     * Id of a Secret text credential with the runner's PEM CA certificate or the SHA-256 fingerprint of its
     * certificate (for {@code serve --tls-self-signed}); null to trust the system's CAs.
     */
    public @CheckForNull String getTlsCredentialsId() {
        return tlsCredentialsId;
    }

    @DataBoundSetter
    public void setTlsCredentialsId(@CheckForNull String tlsCredentialsId) {
        this.tlsCredentialsId = Strings.fixEmpty(tlsCredentialsId);
    }

    /** Id of a Certificate credential shown to a runner that requires client certificates; null when it does not. */
    public @CheckForNull String getClientCertificateCredentialsId() {
        return clientCertificateCredentialsId;
    }

    @DataBoundSetter
    public void setClientCertificateCredentialsId(@CheckForNull String clientCertificateCredentialsId) {
        this.clientCertificateCredentialsId = Strings.fixEmpty(clientCertificateCredentialsId);
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<ClusterRunner> {
        @NonNull
        @Override
        public String getDisplayName() {
            return "Cluster runner";
        }

        /** Credential IDs of the right kind, for administrators only: the list itself is information. */
        public ListBoxModel doFillCredentialsIdItems(@QueryParameter String credentialsId) {
            return CredentialLookup.choices(StringCredentials.class, credentialsId);
        }

        /** Warns when the credential ID no longer names a Secret text credential. */
        public FormValidation doCheckCredentialsId(@QueryParameter String value) {
            return CredentialLookup.check(null, StringCredentials.class, value, "Secret text");
        }

        public ListBoxModel doFillTlsCredentialsIdItems(@QueryParameter String tlsCredentialsId) {
            return CredentialLookup.choices(StringCredentials.class, tlsCredentialsId);
        }

        public FormValidation doCheckTlsCredentialsId(@QueryParameter String value) {
            return CredentialLookup.check(null, StringCredentials.class, value, "Secret text");
        }

        public ListBoxModel doFillClientCertificateCredentialsIdItems(@QueryParameter String clientCertificateCredentialsId) {
            return CredentialLookup.choices(StandardCertificateCredentials.class, clientCertificateCredentialsId);
        }

        public FormValidation doCheckClientCertificateCredentialsId(@QueryParameter String value) {
            return CredentialLookup.check(null, StandardCertificateCredentials.class, value, "Certificate");
        }

        /**
         * Calls the runner as the steps will: {@code /healthz} for its version, then {@code /api/v1/whoami} with the
         * token, over TLS verified as configured. Says what it verified. POST: it sends the token.
         */
        @POST
        public FormValidation doTestConnection(@QueryParameter String url, @QueryParameter String credentialsId,
                                               @QueryParameter String tlsCredentialsId,
                                               @QueryParameter String clientCertificateCredentialsId) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            String base = Strings.fixEmpty(url);
            if (base == null) {
                return FormValidation.error("Runner URL is required");
            }
            try {
                HttpRunnerClient.Builder builder = HttpRunnerClient.builder(base)
                        .withConnectTimeout(Duration.ofSeconds(5)).withRequestTimeout(Duration.ofSeconds(10));
                Secret token = CredentialLookup.runnerToken(Strings.fixEmpty(credentialsId), null);
                if (token != null) {
                    builder.withToken(token.getPlainText());
                }
                RunnerTls tls = CredentialLookup.runnerTls(Strings.fixEmpty(tlsCredentialsId),
                        Strings.fixEmpty(clientCertificateCredentialsId), null);
                if (tls != null) {
                    builder.withTls(tls);
                }
                HttpRunnerClient client = builder.build();
                String version = client.version();
                Tokens.Identity who = client.whoami();
                String transport = tls != null ? "TLS verified by " + tls.describe()
                        : base.startsWith("https:") ? "TLS verified by the system's CAs" : "plain HTTP (not encrypted)";
                return FormValidation.ok("Connected: " + transport + ", runner " + (version == null ? "(version unknown)" : version)
                        + ", token " + who.name() + " with role " + who.role() + " for apps " + String.join(", ", who.apps()));
            } catch (RunnerException e) {
                if (e.status() == 401 || e.status() == 403) {
                    return FormValidation.error("The runner rejected the token of credential '" + credentialsId + "' (HTTP "
                            + e.status() + ")");
                }
                return FormValidation.error(e.getMessage());
            } catch (IOException | IllegalArgumentException e) {
                return FormValidation.error(e.getMessage());
            }
        }
    }
}
