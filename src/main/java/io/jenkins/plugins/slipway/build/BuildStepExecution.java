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

        ImageName image = parse(step.getImage());
        List<String> tags = new ArrayList<>(step.getTags());
        if (tags.isEmpty()) {
            tags.add(String.valueOf(run.getNumber()));
        }
        for (String t : tags) {
            checkTag(t);
        }
        DockerHost host = SlipwayConfiguration.get().dockerHost(step.getDockerHost());
        DockerEndpoint endpoint = CredentialLookup.dockerEndpoint(host.getUri(), host.getTlsCredentialsId(), run);
        OciLabels labels = OciLabels.merge(env, GitCheckout.of(run), step.getLabels(), Instant.now());
        BuildSpec spec = new BuildSpec(image.repository(), List.copyOf(tags),
                step.getContext() == null ? "." : step.getContext(), step.getDockerfile(),
                step.getBuildArgs(), step.getTarget(), labels.labels(), step.isPull(), step.isNoCache());

        listener.getLogger().println("[slipwayBuild] Building " + image + " with tags " + tags + " on " + endpoint);
        for (String note : labels.notes()) {
            listener.getLogger().println("[slipwayBuild] label " + note);
        }
        BuiltImage built = workspace.act(new BuildCallable(spec, endpoint, listener));
        listener.getLogger().println("[slipwayBuild] Built " + built.id() + " as " + built.references());

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("id", built.id());
        result.put("image", image.repository());
        result.put("tags", new ArrayList<>(tags));
        result.put("references", new ArrayList<>(built.references()));
        return result;
    }

    private static ImageName parse(String image) throws AbortException {
        try {
            return ImageName.parse(image);
        } catch (IllegalArgumentException e) {
            throw new AbortException("slipwayBuild: " + e.getMessage());
        }
    }

    private static void checkTag(String tag) throws AbortException {
        try {
            ImageName.checkTag(tag);
        } catch (IllegalArgumentException e) {
            throw new AbortException("slipwayBuild: " + e.getMessage());
        }
    }

    @Override
    public String getStatus() {
        return "building " + (step == null ? "an image" : step.getImage());
    }
}
