package io.jenkins.plugins.slipway.push;

import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.slipway.config.CredentialLookup;
import io.jenkins.plugins.slipway.config.Strings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

/**
 * {@code slipwayPush}: pushes an image's tags to its registry and returns {@code repository@sha256:...},
 * the digest the registry stores. Takes {@code image} and {@code tags}, or {@code build:} the map
 * {@code slipwayBuild} returned. Given what {@code slipwayBuild compose:} returned (one such map per service),
 * it pushes every service's image and returns {@code [service: 'repository@sha256:...']}.
 */
public final class SlipwayPushStep extends Step {
    private String image;
    private List<String> tags;
    private Map<String, Object> build;
    private String credentialsId;
    private String dockerHost;

    @DataBoundConstructor
    public SlipwayPushStep() {
    }

    public @CheckForNull String getImage() {
        return image;
    }

    @DataBoundSetter
    public void setImage(String image) {
        this.image = Strings.fixEmpty(image);
    }

    public List<String> getTags() {
        return tags == null ? Collections.emptyList() : Collections.unmodifiableList(tags);
    }

    @DataBoundSetter
    public void setTags(List<String> tags) {
        List<String> clean = new ArrayList<>();
        if (tags != null) {
            for (Object t : tags) {
                if (t != null && Strings.fixEmpty(String.valueOf(t)) != null) {
                    clean.add(String.valueOf(t).trim());
                }
            }
        }
        this.tags = clean.isEmpty() ? null : clean;
    }

    /** The map slipwayBuild returned; its image and tags are used where image/tags are not given. */
    public @CheckForNull Map<String, Object> getBuild() {
        return build == null ? null : Collections.unmodifiableMap(build);
    }

    @DataBoundSetter
    public void setBuild(Map<String, Object> build) {
        this.build = build == null || build.isEmpty() ? null : new LinkedHashMap<>(build);
    }

    /** A Username with password credential; null means the registry's default from the global configuration. */
    public @CheckForNull String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = Strings.fixEmpty(credentialsId);
    }

    public @CheckForNull String getDockerHost() {
        return dockerHost;
    }

    @DataBoundSetter
    public void setDockerHost(String dockerHost) {
        this.dockerHost = Strings.fixEmpty(dockerHost);
    }

    /**
     * The per-service maps when {@code build} is what {@code slipwayBuild compose:} returned (every value a map),
     * in the order given; null for a single image's map.
     */
    @CheckForNull Map<String, Map<?, ?>> serviceBuilds() {
        if (build == null || !build.values().stream().allMatch(v -> v instanceof Map<?, ?>)) {
            return null;
        }
        Map<String, Map<?, ?>> services = new LinkedHashMap<>();
        build.forEach((service, value) -> services.put(service, (Map<?, ?>) value));
        return services;
    }

    /** image, else build.image. */
    String effectiveImage() {
        if (image != null) {
            return image;
        }
        Object fromBuild = build == null ? null : build.get("image");
        return fromBuild == null ? null : Strings.fixEmpty(String.valueOf(fromBuild));
    }

    /** tags, else build.tags. */
    List<String> effectiveTags() {
        if (tags != null) {
            return tags;
        }
        List<String> result = new ArrayList<>();
        Object fromBuild = build == null ? null : build.get("tags");
        if (fromBuild instanceof Iterable<?> it) {
            for (Object t : it) {
                result.add(String.valueOf(t));
            }
        }
        return result;
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new PushStepExecution(this, context);
    }

    @Extension
    @Symbol("slipwayPush")
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            // No FilePath: outside a node block the push runs against the controller's Docker host.
            return Set.of(Run.class, TaskListener.class);
        }

        @Override
        public String getFunctionName() {
            return "slipwayPush";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Push a container image (Slipway)";
        }

        /**
         * The Username with password credentials a build of {@code item} (the job whose Snippet Generator or
         * configuration asks; null at the root) can use, as that build would look them up.
         */
        public ListBoxModel doFillCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String credentialsId) {
            return CredentialLookup.choices(item, StandardUsernamePasswordCredentials.class, credentialsId);
        }

        /** Warns when a build of {@code item} would not find the credential. */
        public FormValidation doCheckCredentialsId(@AncestorInPath Item item, @QueryParameter String value) {
            return CredentialLookup.check(item, StandardUsernamePasswordCredentials.class, value, "Username with password");
        }
    }
}
