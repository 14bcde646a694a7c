package io.jenkins.plugins.slipway.build;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.slipway.config.Strings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code slipwayBuild}: builds an image from the workspace through the Docker engine API and returns
 * {@code [id: 'sha256:...', image: 'repo', tags: [...], references: ['repo:tag', ...]]}. With {@code compose:}
 * it builds every service of that Compose file that has a {@code build:} section, one after another, and
 * returns {@code [service: thatMap, ...]}.
 */
public final class SlipwayBuildStep extends Step {
    private final String image;
    private List<String> tags;
    private String dockerfile;
    private String context;
    private Map<String, String> buildArgs;
    private String target;
    private Map<String, String> labels;
    private boolean pull;
    private boolean noCache;
    private String dockerHost;
    private String compose;
    private String repository;

    @DataBoundConstructor
    public SlipwayBuildStep(String image) {
        this.image = Strings.fixEmpty(image);
    }

    public String getImage() {
        return image;
    }

    /** Tags to apply; empty means the build number. */
    public List<String> getTags() {
        return tags == null ? Collections.emptyList() : Collections.unmodifiableList(tags);
    }

    @DataBoundSetter
    public void setTags(List<String> tags) {
        List<String> clean = new ArrayList<>();
        if (tags != null) {
            for (String t : tags) {
                if (Strings.fixEmpty(t) != null) {
                    clean.add(t.trim());
                }
            }
        }
        this.tags = clean.isEmpty() ? null : clean;
    }

    /** Dockerfile path relative to the workspace; null means {@code <context>/Dockerfile}. */
    public @CheckForNull String getDockerfile() {
        return dockerfile;
    }

    @DataBoundSetter
    public void setDockerfile(String dockerfile) {
        this.dockerfile = Strings.fixEmpty(dockerfile);
    }

    /** Build context directory relative to the workspace; null means the workspace itself. */
    public @CheckForNull String getContext() {
        return context;
    }

    @DataBoundSetter
    public void setContext(String context) {
        String c = Strings.fixEmpty(context);
        this.context = ".".equals(c) ? null : c;
    }

    public Map<String, String> getBuildArgs() {
        return buildArgs == null ? Collections.emptyMap() : Collections.unmodifiableMap(buildArgs);
    }

    @DataBoundSetter
    public void setBuildArgs(Map<String, ?> buildArgs) {
        this.buildArgs = copy(buildArgs);
    }

    public @CheckForNull String getTarget() {
        return target;
    }

    @DataBoundSetter
    public void setTarget(String target) {
        this.target = Strings.fixEmpty(target);
    }

    public Map<String, String> getLabels() {
        return labels == null ? Collections.emptyMap() : Collections.unmodifiableMap(labels);
    }

    @DataBoundSetter
    public void setLabels(Map<String, ?> labels) {
        this.labels = copy(labels);
    }

    public boolean isPull() {
        return pull;
    }

    @DataBoundSetter
    public void setPull(boolean pull) {
        this.pull = pull;
    }

    public boolean isNoCache() {
        return noCache;
    }

    @DataBoundSetter
    public void setNoCache(boolean noCache) {
        this.noCache = noCache;
    }

    /** Name of a Docker host from the global configuration; null means the default one. */
    public @CheckForNull String getDockerHost() {
        return dockerHost;
    }

    @DataBoundSetter
    public void setDockerHost(String dockerHost) {
        this.dockerHost = Strings.fixEmpty(dockerHost);
    }

    /** A Compose file, relative to the workspace, whose services with a {@code build:} section are built; null for one image. */
    public @CheckForNull String getCompose() {
        return compose;
    }

    @DataBoundSetter
    public void setCompose(String compose) {
        this.compose = Strings.fixEmpty(compose);
    }

    /**
     * With {@code compose:}: the prefix each service's image goes under ({@code registry:5000/shop} builds
     * {@code registry:5000/shop/web}); null means the repository of the service's {@code image:}.
     */
    public @CheckForNull String getRepository() {
        return repository;
    }

    @DataBoundSetter
    public void setRepository(String repository) {
        String r = Strings.fixEmpty(repository);
        this.repository = r == null ? null : r.replaceFirst("/+$", "");
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new BuildStepExecution(this, context);
    }

    private static Map<String, String> copy(Map<String, ?> m) {
        Map<String, String> text = Strings.textMap(m);
        return text.isEmpty() ? null : new TreeMap<>(text);
    }

    @Extension
    @Symbol("slipwayBuild")
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class, EnvVars.class);
        }

        @Override
        public String getFunctionName() {
            return "slipwayBuild";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Build a container image (Slipway)";
        }
    }
}
