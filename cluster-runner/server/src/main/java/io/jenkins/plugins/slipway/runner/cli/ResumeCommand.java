package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import picocli.CommandLine.Command;

/** {@code resume}: a paused release goes on. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Resumes a paused release.")
final class ResumeCommand extends ControlCommand {
    @Override
    ReleaseStatus send(RunnerClient client, String release) {
        return client.resume(release);
    }
}
