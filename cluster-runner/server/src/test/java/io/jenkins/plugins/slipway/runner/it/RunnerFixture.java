package io.jenkins.plugins.slipway.runner.it;

import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the runner ITs start from: the {@code it-*} apps of the test class cleared of what earlier runs left, the
 * healthy test image at some versions, and a real runner process with a client. Closing it deletes the apps
 * through the runner (waiting for their containers), stops the runner and removes whatever containers are left.
 */
public final class RunnerFixture implements AutoCloseable {
    private static final Duration APP_GONE = Duration.ofSeconds(30);

    private final RunnerProcess runner;
    private final List<String> apps;
    private final Map<String, String> images;
    private RunnerClient client;

    private RunnerFixture(RunnerProcess runner, List<String> apps, Map<String, String> images) throws IOException {
        this.runner = runner;
        this.apps = apps;
        this.images = images;
        this.client = runner.client();
    }

    /**
     * Removes the containers earlier runs left for {@code apps}, builds {@link Docker#image} at each version and
     * starts a runner with a fresh data dir named after {@code name}.
     */
    public static RunnerFixture start(String name, List<String> apps, String... versions) throws Exception {
        return start(name, RunnerProcess.API_PORTS_FROM, RunnerProcess.API_PORTS_TO, apps, versions);
    }

    /** As {@link #start(String, List, String...)}, with the runner's API on a free port of {@code [from, to]}. */
    public static RunnerFixture start(String name, int from, int to, List<String> apps, String... versions)
            throws Exception {
        for (String app : apps) {
            Docker.removeApp(app);
        }
        Map<String, String> images = new LinkedHashMap<>();
        for (String version : versions) {
            images.put(version, Docker.image(version, true));
        }
        return new RunnerFixture(RunnerProcess.start(name, from, to), apps, images);
    }

    /** As {@link #start(String, List, String...)}, with the runner's data in {@code dataDir} (e.g. a small mount). */
    public static RunnerFixture startIn(java.nio.file.Path dataDir, List<String> apps, String... versions) throws Exception {
        for (String app : apps) {
            Docker.removeApp(app);
        }
        Map<String, String> images = new LinkedHashMap<>();
        for (String version : versions) {
            images.put(version, Docker.image(version, true));
        }
        return new RunnerFixture(RunnerProcess.startIn(dataDir, RunnerProcess.API_PORTS_FROM, RunnerProcess.API_PORTS_TO),
                apps, images);
    }

    public RunnerProcess runner() {
        return runner;
    }

    /** The client of the runner as last launched. */
    public RunnerClient client() {
        return client;
    }

    /** The healthy test image at {@code version}, built by {@link #start}. */
    public String image(String version) {
        String image = images.get(version);
        if (image == null) {
            throw new IllegalArgumentException("no test image at version " + version + "; built: " + images.keySet());
        }
        return image;
    }

    /** Starts the runner again on its data dir and port (after a {@code kill -9}), with a new client. */
    public RunnerClient relaunch() throws IOException {
        runner.launch();
        client.close();
        client = runner.client();
        return client;
    }

    /** Deletes an app through the runner and waits until the runner has removed its containers. */
    public void deleteApp(String app) throws Exception {
        // Not through the client: a 404 (the test failed before deploying) must not hide why the test failed.
        Http.send("DELETE", runner.url() + "/api/v1/apps/" + app, runner.token(), null);
        await(app + " removed by the runner").atMost(APP_GONE).until(() -> Docker.containers(app).isEmpty());
    }

    @Override
    public void close() throws Exception {
        try {
            for (String app : apps) {
                deleteApp(app);
            }
        } finally {
            client.close();
            runner.close();
            for (String app : apps) {
                Docker.removeApp(app);
            }
        }
    }
}
