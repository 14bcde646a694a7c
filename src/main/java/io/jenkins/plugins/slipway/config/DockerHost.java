package io.jenkins.plugins.slipway.config;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardCertificateCredentials;
import io.jenkins.plugins.slipway.docker.DockerEndpoint;
import io.jenkins.plugins.slipway.docker.DockerEngine;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/** A Docker engine steps may use: a name, its URI, and for tcp:// a TLS client certificate credential. */
public final class DockerHost implements Describable<DockerHost> {
    /** What a step uses when no Docker host is configured: the engine on this node's default socket. */
    public static final String LOCAL_URI = "unix:///var/run/docker.sock";

    private final String name;
    private final String uri;
    private String tlsCredentialsId;

    @DataBoundConstructor
    public DockerHost(String name, String uri) {
        this.name = Strings.fixEmpty(name);
        this.uri = Strings.fixEmpty(uri);
    }

    public String getName() {
        return name;
    }

    public String getUri() {
        return uri;
    }

    public @CheckForNull String getTlsCredentialsId() {
        return tlsCredentialsId;
    }

    @DataBoundSetter
    public void setTlsCredentialsId(@CheckForNull String tlsCredentialsId) {
        this.tlsCredentialsId = Strings.fixEmpty(tlsCredentialsId);
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<DockerHost> {
        @NonNull
        @Override
        public String getDisplayName() {
            return "Docker host";
        }

        public FormValidation doCheckUri(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            String uri = Strings.fixEmpty(value);
            if (uri == null) {
                return FormValidation.error("Required, e.g. unix:///var/run/docker.sock or tcp://docker.example:2376");
            }
            if (!uri.startsWith("unix://") && !uri.startsWith("tcp://")) {
                return FormValidation.error("Use unix:///path/to/docker.sock or tcp://host:port");
            }
            return FormValidation.ok();
        }

        /** Credential IDs of the right kind, for administrators only: the list itself is information. */
        public ListBoxModel doFillTlsCredentialsIdItems(@QueryParameter String tlsCredentialsId) {
            return CredentialLookup.choices(StandardCertificateCredentials.class, tlsCredentialsId);
        }

        /** Warns when the credential ID no longer names a Certificate credential. */
        public FormValidation doCheckTlsCredentialsId(@QueryParameter String value) {
            return CredentialLookup.check(null, StandardCertificateCredentials.class, value, "Certificate");
        }

        /** Pings the engine (GET /_ping) with the TLS credential, if any. POST: it opens a connection. */
        @POST
        public FormValidation doTestConnection(@QueryParameter String uri, @QueryParameter String tlsCredentialsId) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            try {
                DockerEndpoint endpoint = CredentialLookup.dockerEndpoint(Strings.fixEmpty(uri), Strings.fixEmpty(tlsCredentialsId), null);
                String version = DockerEngine.version(endpoint);
                return FormValidation.ok("Connected: Docker engine " + version);
            } catch (Exception e) {
                return FormValidation.error("Cannot reach the engine at " + uri + ": " + e.getMessage());
            }
        }
    }
}
