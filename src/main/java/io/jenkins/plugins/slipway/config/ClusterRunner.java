package io.jenkins.plugins.slipway.config;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import hudson.util.Secret;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/** A Slipway cluster runner: its name, base URL and the Secret-text credential holding its API token. */
public final class ClusterRunner implements Describable<ClusterRunner> {
    private final String name;
    private final String url;
    private String credentialsId;

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

        /** Calls GET {url}/api/v1/apps with the token. POST: it sends the token. */
        @POST
        public FormValidation doTestConnection(@QueryParameter String url, @QueryParameter String credentialsId) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            String base = Strings.fixEmpty(url);
            if (base == null) {
                return FormValidation.error("Runner URL is required");
            }
            try {
                HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base.replaceAll("/+$", "") + "/api/v1/apps"))
                        .timeout(Duration.ofSeconds(10)).GET();
                Secret token = CredentialLookup.runnerToken(Strings.fixEmpty(credentialsId), null);
                if (token != null) {
                    req.header("Authorization", "Bearer " + token.getPlainText());
                }
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                int status = http.send(req.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 401 || status == 403) {
                    return FormValidation.error("The runner rejected the token of credential '" + credentialsId + "' (HTTP " + status + ")");
                }
                if (status / 100 != 2) {
                    return FormValidation.error("The runner answered HTTP " + status);
                }
                return FormValidation.ok("Connected");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return FormValidation.error("Interrupted");
            } catch (Exception e) {
                return FormValidation.error("Cannot reach the runner at " + base + ": " + e.getMessage());
            }
        }
    }
}
