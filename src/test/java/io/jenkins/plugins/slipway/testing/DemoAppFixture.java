package io.jenkins.plugins.slipway.testing;

import io.jenkins.plugins.slipway.deploy.DeployPipeline;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.standin.StandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the ITs of the runner steps start from: the demo app built and pushed by slipwayBuild and slipwayPush
 * at some versions, and a real runner process. Closing it deletes the apps (waiting for their containers),
 * stops the runner and removes the images.
 */
public final class DemoAppFixture implements AutoCloseable {
    private final RunnerProcess runner;
    private final RunnerClient client;
    private final String repository;
    private final List<String> apps;
    private final Map<String, String> images;

    private DemoAppFixture(RunnerProcess runner, String repository, List<String> apps, Map<String, String> images)
            throws java.io.IOException {
        this.runner = runner;
        this.client = runner.client();
        this.repository = repository;
        this.apps = apps;
        this.images = images;
    }

    /**
     * Removes what earlier runs of these apps left, builds and pushes the demo at each version into
     * {@code repository}, and starts a runner on {@code runnerPort} with its data under {@code dir}.
     */
    public static DemoAppFixture start(Path dir, String repository, int runnerPort, List<String> apps,
                                       String... versions) throws Exception {
        StandIn.reset();
        RunnerProcess.removeAppContainers(apps);
        Path ws = Files.createDirectories(dir.resolve("build-ws"));
        DeployPipeline.stageDemo(ws);
        Map<String, String> images = new LinkedHashMap<>();
        for (String version : versions) {
            images.put(version, DeployPipeline.buildAndPush(ws, repository, version));
        }
        return new DemoAppFixture(RunnerProcess.start(runnerPort, dir.resolve("runner-data")), repository, apps, images);
    }

    public RunnerProcess runner() {
        return runner;
    }

    public RunnerClient client() {
        return client;
    }

    /** The pushed {@code repo@sha256:...} of the demo at {@code version}. */
    public String image(String version) {
        String image = images.get(version);
        if (image == null) {
            throw new IllegalArgumentException("no demo image at version " + version + "; built: " + images.keySet());
        }
        return image;
    }

    @Override
    public void close() throws Exception {
        try {
            runner.deleteApps(apps);
        } finally {
            runner.close();
            // Once more with the runner stopped: one that had not removed every container in time may have started
            // a replacement after deleteApps removed what was left, and the next test class must find none.
            RunnerProcess.removeAppContainers(apps);
            DockerFixture.removeImages(repository);
        }
    }
}
