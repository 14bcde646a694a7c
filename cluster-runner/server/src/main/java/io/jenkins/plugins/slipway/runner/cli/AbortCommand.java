package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code abort}: traffic back to stable, the new revision's replicas removed. */
@Command(name = "abort", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Aborts a release: all traffic back to the stable revision, the new replicas removed.")
final class AbortCommand extends ControlCommand {
    @Option(names = "--reason", paramLabel = "R", defaultValue = "aborted from the command line",
            description = "Why, recorded in the release's events (default: ${DEFAULT-VALUE}).")
    String reason;

    @Override
    ReleaseStatus send(RunnerClient client, String release) {
        return client.abort(release, reason);
    }
}
