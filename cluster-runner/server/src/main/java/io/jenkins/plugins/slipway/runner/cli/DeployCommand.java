package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.DeployResponse;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deploy}: a new revision of an app from a Compose file, and its release. */
@Command(name = "deploy", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Deploys a Compose file as a new revision of APP and starts its release.",
                "Prints the revision and the release id; nothing changes when the spec is unchanged."})
final class DeployCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "APP", description = "App name: 1-40 lower-case letters, digits and -.")
    String app;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "COMPOSE_FILE",
            description = "The Compose file (with x-slipway keys) to deploy.")
    Path file;

    @Option(names = "--image", paramLabel = "SERVICE=REF",
            description = "Image for a service, overriding the Compose file's; repeatable.")
    Map<String, String> images = new LinkedHashMap<>();

    @Option(names = "--watch", description = "Follow the release's events until it ends; exit 0 only on success.")
    boolean watch;

    @Override
    int call(RunnerClient client) throws Exception {
        String compose = Files.readString(file);
        DeployResponse rsp = client.deploy(app, new DeployRequest(compose, images, null));
        rsp.warnings().forEach(w -> err().println("warning: " + w));
        if (rsp.release() == null) {
            out().println(app + " unchanged at revision " + rsp.revision());
            return 0;
        }
        out().println(app + " revision " + rsp.revision() + ", release " + rsp.release());
        return watch ? new ReleaseWatcher(client, out(), err()).watch(rsp.release()) : 0;
    }
}
