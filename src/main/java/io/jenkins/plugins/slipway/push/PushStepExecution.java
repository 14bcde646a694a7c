package io.jenkins.plugins.slipway.push;

import hudson.AbortException;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.slipway.config.CredentialLookup;
import io.jenkins.plugins.slipway.config.DockerHost;
import io.jenkins.plugins.slipway.config.Registry;
import io.jenkins.plugins.slipway.config.SlipwayConfiguration;
import io.jenkins.plugins.slipway.docker.DockerEndpoint;
import io.jenkins.plugins.slipway.docker.ImageName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;

/**
 * Resolves what to push and with which credential on the controller, then pushes from the node that holds
 * the workspace (whose engine built the image), or from the controller outside a node block. Returns the
 * pushed {@code repository@sha256:...}, or for the services of a Compose file a map of them by service.
 */
final class PushStepExecution extends SynchronousNonBlockingStepExecution<Object> {
    private static final long serialVersionUID = 1L;
    /** Pause before the second attempt; each further one waits twice as long as the one before. */
    static final long BACKOFF_MILLIS = 2000;
    private final transient SlipwayPushStep step;

    PushStepExecution(SlipwayPushStep step, StepContext context) {
        super(context);
        this.step = step;
    }

    @Override
    protected Object run() throws Exception {
        Map<String, Map<?, ?>> services = step.serviceBuilds();
        if (services == null) {
            return push(step.effectiveImage(), step.effectiveTags(), "");
        }
        if (step.getImage() != null || !step.getTags().isEmpty()) {
            throw new AbortException("slipwayPush: image: and tags: cannot be given with build: of several services "
                    + "(each service's map says them); nothing was pushed");
        }
        Map<String, String> pushed = new LinkedHashMap<>();
        for (Map.Entry<String, Map<?, ?>> service : services.entrySet()) {
            Object image = service.getValue().get("image");
            List<String> tags = new ArrayList<>();
            if (service.getValue().get("tags") instanceof Iterable<?> it) {
                it.forEach(t -> tags.add(String.valueOf(t)));
            }
            try {
                pushed.put(service.getKey(), push(image == null ? null : String.valueOf(image), tags,
                        "[" + service.getKey() + "] "));
            } catch (AbortException e) {
                throw new AbortException("slipwayPush: service '" + service.getKey() + "': "
                        + e.getMessage().replaceFirst("^slipwayPush: ", "")
                        + (pushed.isEmpty() ? "" : " (pushed before it: " + pushed + ")"));
            }
        }
        return pushed;
    }

    private String push(String imageName, List<String> tags, String prefix) throws Exception {
        StepContext ctx = getContext();
        Run<?, ?> run = ctx.get(Run.class);
        TaskListener listener = ctx.get(TaskListener.class);
        FilePath workspace = ctx.get(FilePath.class);

        ImageName image;
        try {
            image = ImageName.parse(imageName);
            for (String t : tags) {
                ImageName.checkTag(t);
            }
        } catch (IllegalArgumentException e) {
            throw new AbortException("slipwayPush: " + e.getMessage() + " (give image: and tags:, or build: with the map slipwayBuild returned)");
        }
        if (tags.isEmpty()) {
            throw new AbortException("slipwayPush: no tags to push for " + image + " (give tags:, or build: with the map slipwayBuild returned)");
        }

        SlipwayConfiguration config = SlipwayConfiguration.get();
        String credentialsId = step.getCredentialsId();
        if (credentialsId == null) {
            Registry registry = config.registryFor(image.registry());
            credentialsId = registry == null ? null : registry.getCredentialsId();
        }
        RegistryLogin login = CredentialLookup.registryLogin(image.registry(), credentialsId, run);
        DockerHost host = config.dockerHost(step.getDockerHost());
        DockerEndpoint endpoint = CredentialLookup.dockerEndpoint(host.getUri(), host.getTlsCredentialsId(), run);

        listener.getLogger().println(prefix + "[slipwayPush] Pushing " + image + " tags " + tags + " to " + login + " via " + endpoint);
        PushCallable push = new PushCallable(image.repository(), tags, login, endpoint, listener, BACKOFF_MILLIS);
        String pushed = workspace != null ? workspace.act(push) : push.invoke(null, null);
        listener.getLogger().println(prefix + "[slipwayPush] Pushed " + pushed);
        return pushed;
    }

    @Override
    public String getStatus() {
        if (step != null && step.serviceBuilds() != null) {
            return "pushing the images of " + String.join(", ", step.serviceBuilds().keySet());
        }
        return "pushing " + (step == null ? "an image" : step.effectiveImage());
    }
}
