package io.jenkins.plugins.slipway.build;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.slipway.config.CredentialLookup;
import io.jenkins.plugins.slipway.config.DockerHost;
import io.jenkins.plugins.slipway.config.SlipwayConfiguration;
import io.jenkins.plugins.slipway.docker.DockerEndpoint;
import io.jenkins.plugins.slipway.docker.ImageName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;

/**
 * Resolves the step's arguments on the controller (tags, labels, Docker host and its TLS credential),
 * then runs the build where the workspace is. A build is bounded work, so it holds a thread rather than
 * surviving a restart.
 */
final class BuildStepExecution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
    private static final long serialVersionUID = 1L;
    private final transient SlipwayBuildStep step;

    BuildStepExecution(SlipwayBuildStep step, StepContext context) {
        super(context);
        this.step = step;
    }

    @Override
    protected Map<String, Object> run() throws Exception {
        StepContext ctx = getContext();
        Run<?, ?> run = ctx.get(Run.class);
        TaskListener listener = ctx.get(TaskListener.class);
        FilePath workspace = ctx.get(FilePath.class);
        EnvVars env = ctx.get(EnvVars.class);
        if (env == null) {
            env = new EnvVars();
        }
        Builder builder = new Builder(run, listener, workspace, env, step.getDockerHost());
        if (step.getCompose() != null) {
            return new ComposeBuild(step, builder).run();
        }
        if (step.getRepository() != null) {
            throw new AbortException("slipwayBuild: repository: is for compose:; give the image's repository in image:");
        }
        if (step.getImage() == null) {
            throw new AbortException("slipwayBuild: give image: (the repository of one image, e.g. "
                    + "'registry.example:5000/team/app') or compose: (a Compose file whose build sections are built)");
        }
        ImageName image = parse(step.getImage());
        return builder.build(image, step.getTags(), new Builder.Sources(step.getContext() == null ? "." : step.getContext(),
                step.getDockerfile(), step.getBuildArgs(), step.getTarget(), step.getLabels(), List.of(),
                step.isPull(), step.isNoCache()), "");
    }

    static ImageName parse(String image) throws AbortException {
        try {
            return ImageName.parse(image);
        } catch (IllegalArgumentException e) {
            throw new AbortException("slipwayBuild: " + e.getMessage());
        }
    }

    @Override
    public String getStatus() {
        if (step != null && step.getCompose() != null) {
            return "building the services of " + step.getCompose();
        }
        return "building " + (step == null ? "an image" : step.getImage());
    }

    /** Builds one image at a time with what the step's context holds: the build, its log, workspace and environment. */
    static final class Builder {
        /** What goes into one image. Paths relative to the workspace. */
        record Sources(String context, String dockerfile, Map<String, String> buildArgs, String target,
                       Map<String, String> labels, List<String> cacheFrom, boolean pull, boolean noCache) {
        }

        private final Run<?, ?> run;
        private final TaskListener listener;
        private final FilePath workspace;
        private final EnvVars env;
        private final String dockerHost;

        Builder(Run<?, ?> run, TaskListener listener, FilePath workspace, EnvVars env, String dockerHost) {
            this.dockerHost = dockerHost;
            this.run = run;
            this.listener = listener;
            this.workspace = workspace;
            this.env = env;
        }

        EnvVars env() {
            return env;
        }

        FilePath workspace() {
            return workspace;
        }

        TaskListener listener() {
            return listener;
        }

        /**
         * Builds {@code image} with {@code tags} (none: the build number), every log line prefixed with
         * {@code prefix}, and returns {@code [id:, image:, tags:, references:]}.
         */
        Map<String, Object> build(ImageName image, List<String> requestedTags, Sources sources, String prefix)
                throws Exception {
            List<String> tags = new ArrayList<>(requestedTags);
            if (tags.isEmpty()) {
                tags.add(String.valueOf(run.getNumber()));
            }
            for (String t : tags) {
                checkTag(t);
            }
            DockerHost host = SlipwayConfiguration.get().dockerHost(dockerHost);
            DockerEndpoint endpoint = CredentialLookup.dockerEndpoint(host.getUri(), host.getTlsCredentialsId(), run);
            OciLabels labels = OciLabels.merge(env, GitCheckout.of(run), sources.labels(), Instant.now());
            BuildSpec spec = new BuildSpec(image.repository(), List.copyOf(tags), sources.context(), sources.dockerfile(),
                    sources.buildArgs(), sources.target(), labels.labels(), sources.pull(), sources.noCache(),
                    List.copyOf(sources.cacheFrom()), prefix);

            listener.getLogger().println(prefix + "[slipwayBuild] Building " + image + " with tags " + tags + " on " + endpoint);
            for (String note : labels.notes()) {
                listener.getLogger().println(prefix + "[slipwayBuild] label " + note);
            }
            BuiltImage built = workspace.act(new BuildCallable(spec, endpoint, listener));
            listener.getLogger().println(prefix + "[slipwayBuild] Built " + built.id() + " as " + built.references());

            Map<String, Object> result = new LinkedHashMap<>();
            result.put("id", built.id());
            result.put("image", image.repository());
            result.put("tags", new ArrayList<>(tags));
            result.put("references", new ArrayList<>(built.references()));
            return result;
        }

        private static void checkTag(String tag) throws AbortException {
            try {
                ImageName.checkTag(tag);
            } catch (IllegalArgumentException e) {
                throw new AbortException("slipwayBuild: " + e.getMessage());
            }
        }
    }
}
