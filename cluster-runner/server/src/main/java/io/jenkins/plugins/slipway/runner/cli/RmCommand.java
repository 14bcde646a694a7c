package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code rm}: removes an app. */
@Command(name = "rm", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Removes an app: stops its replicas and its routes.")
final class RmCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "APP", description = "App name.")
    String app;

    @Override
    int call(RunnerClient client) {
        client.deleteApp(app);
        out().println(app + " removed");
        return 0;
    }
}
