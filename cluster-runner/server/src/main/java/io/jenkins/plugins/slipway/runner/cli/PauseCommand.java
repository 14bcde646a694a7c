package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import picocli.CommandLine.Command;

/** {@code pause}: holds a release at its current step. */
@Command(name = "pause", mixinStandardHelpOptions = true,
        description = "Pauses a release at its current step until resume or promote.")
final class PauseCommand extends ControlCommand {
    @Override
    ReleaseStatus send(RunnerClient client, String release) {
        return client.pause(release);
    }
}
