package io.jenkins.plugins.slipway.deploy;

import io.jenkins.plugins.slipway.standin.StandIn;
import io.jenkins.plugins.slipway.testing.RunnerProcess;
import io.jenkins.plugins.slipway.testing.TestStepContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The main job (README's first command, through scripts/demo.sh): the demo app's pipeline
 * (demo/Jenkinsfile) run through the plugin's step executions on this machine: slipwayBuild compose: of the
 * three services (web, api, db), slipwayPush build: to the local registry, slipwayDeploy to the runner, then
 * the app answering on its route, web calling api and api calling db by name.
 *
 * <p>Arguments: runner URL, runner token file, version to build, route port. Exits 1 when the app does not
 * answer through all three services.
 */
public final class DemoDelivery {
    private DemoDelivery() {
    }

    public static void main(String[] args) throws Exception {
        String runnerUrl = args[0];
        String token = Files.readString(Path.of(args[1])).trim();
        String version = args[2];
        int routePort = Integer.parseInt(args[3]);

        StandIn.reset();
        RunnerProcess.register(runnerUrl, token);
        Path workspace = Files.createTempDirectory("slipway-demo-ws");
        DeployPipeline.stageDemo(workspace);

        System.out.println("== def built = slipwayBuild compose: 'demo/compose.yml', tags: ['" + version
                + "'], buildArgs: [VERSION: '" + version + "']");
        System.out.println("== def images = slipwayPush build: built");
        Map<String, String> images = DeployPipeline.buildAndPushCompose(workspace, "demo/compose.yml", version);
        images.forEach((service, digest) -> System.out.println("== pushed " + service + ": " + digest));

        System.out.println("== slipwayDeploy app: 'demo', compose: 'demo/compose.yml', images: images");
        DeployStep deploy = new DeployStep("demo");
        deploy.setCompose("demo/compose.yml");
        deploy.setImages(images);
        deploy.setTimeout(10);
        TestStepContext ctx = TestStepContext.in(workspace.toFile())
                .env("BUILD_URL", "http://localhost/job/demo/" + version + "/");
        Object summary = ctx.run(deploy, Duration.ofMinutes(10));
        System.out.println("== release: " + summary);

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String url = "http://127.0.0.1:" + routePort + "/cgi-bin/app";
        int answered = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        // Three answers through all three services; a busy machine may make a hop miss its deadline, so
        // a failed answer is printed and asked again until the deadline.
        while (answered < 3 && System.nanoTime() < deadline) {
            String body = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(90)).build(),
                    HttpResponse.BodyHandlers.ofString()).body().trim();
            System.out.println("== GET " + url + " -> " + body);
            if (body.startsWith("web " + version) && body.contains("-> api " + version) && body.contains("-> db " + version)
                    && body.contains("secret db_password: present")) {
                answered++;
            } else {
                Thread.sleep(1000); // polling pace while the app settles, not a wait for something known
            }
        }
        boolean throughAll = answered == 3;
        if (!throughAll) {
            System.out.println("== the app did not answer through web -> api -> db by name within 2 minutes");
        }
        System.exit(throughAll ? 0 : 1); // the HTTP client's and step pool's daemon threads need no waiting for
    }
}
