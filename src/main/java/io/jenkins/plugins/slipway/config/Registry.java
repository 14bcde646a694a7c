package io.jenkins.plugins.slipway.config;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import io.jenkins.plugins.slipway.push.RegistryLogin;
import io.jenkins.plugins.slipway.push.RegistryProbe;
import java.net.URI;
import java.util.Locale;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/** A registry images are pushed to, and the username/password credential pushes use by default. */
public final class Registry implements Describable<Registry> {
    private final String url;
    private String credentialsId;

    @DataBoundConstructor
    public Registry(String url) {
        this.url = Strings.fixEmpty(url);
    }

    public String getUrl() {
        return url;
    }

    public @CheckForNull String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(@CheckForNull String credentialsId) {
        this.credentialsId = Strings.fixEmpty(credentialsId);
    }

    /** The host[:port] image references use for this registry ("registry.example:5000"). */
    public String getHost() {
        return hostOf(url);
    }

    static String hostOf(String url) {
        if (url == null) {
            return null;
        }
        String u = url.contains("://") ? url : "https://" + url;
        URI parsed = URI.create(u);
        String host = parsed.getHost() == null ? url : parsed.getHost();
        return (parsed.getPort() > 0 ? host + ":" + parsed.getPort() : host).toLowerCase(Locale.ROOT);
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<Registry> {
        @NonNull
        @Override
        public String getDisplayName() {
            return "Registry";
        }

        /** Credential IDs of the right kind, for administrators only: the list itself is information. */
        public ListBoxModel doFillCredentialsIdItems(@QueryParameter String credentialsId) {
            return CredentialLookup.choices(StandardUsernamePasswordCredentials.class, credentialsId);
        }

        /** Warns when the credential ID no longer names a Username with password credential. */
        public FormValidation doCheckCredentialsId(@QueryParameter String value) {
            return CredentialLookup.check(null, StandardUsernamePasswordCredentials.class, value, "Username with password");
        }

        /** Calls GET /v2/ with the credential: proves the URL and the login. POST: it sends the password. */
        @POST
        public FormValidation doTestConnection(@QueryParameter String url, @QueryParameter String credentialsId) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            String u = Strings.fixEmpty(url);
            if (u == null) {
                return FormValidation.error("Registry URL is required");
            }
            try {
                RegistryLogin login = CredentialLookup.registryLogin(hostOf(u), Strings.fixEmpty(credentialsId), null);
                return FormValidation.ok(RegistryProbe.check(u, login));
            } catch (Exception e) {
                return FormValidation.error(e.getMessage());
            }
        }
    }
}
