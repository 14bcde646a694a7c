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
 * (demo/Jenkinsfile) run through the plugin's step executions on this machine: slipwayBuild,
 * slipwayPush to the local registry, slipwayDeploy to the runner, then the app answering on its route.
 *
 * <p>Arguments: runner URL, runner token file, version to build, route port.
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

        System.out.println("== slipwayBuild + slipwayPush (demo app " + version + ")");
        String digest = DeployPipeline.buildAndPush(workspace, "127.0.0.1:5000/slipway-demo/web", version);
        System.out.println("== pushed " + digest);

        System.out.println("== slipwayDeploy app: 'demo', compose: 'demo/compose.yml', images: [web: digest]");
        DeployStep deploy = new DeployStep("demo");
        deploy.setCompose("demo/compose.yml");
        deploy.setImages(Map.of("web", digest));
        deploy.setTimeout(10);
        TestStepContext ctx = TestStepContext.in(workspace.toFile())
                .env("BUILD_URL", "http://localhost/job/demo/" + version + "/");
        Object summary = ctx.run(deploy, Duration.ofMinutes(10));
        System.out.println("== release: " + summary);

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (int i = 0; i < 3; i++) {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + routePort + "/cgi-bin/hello"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            System.out.println("== GET http://127.0.0.1:" + routePort + "/cgi-bin/hello -> " + body.trim());
        }
        System.exit(0); // the HTTP client's and step pool's daemon threads need no waiting for
    }
}
