package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code promote}: the next step of a paused release, or all of them. */
@Command(name = "promote", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Moves a release on to its next step (ends a pause), or through every remaining step with"
                + " --full.")
final class PromoteCommand extends ControlCommand {
    @Option(names = "--full", description = "Run every remaining step now, skipping pauses and analysis.")
    boolean full;

    @Override
    ReleaseStatus send(RunnerClient client, String release) {
        return client.promote(release, full);
    }

    @Override
    String commandLine() {
        return full ? "promote --full" : "promote";
    }
}
