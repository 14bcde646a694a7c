package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import picocli.CommandLine.Parameters;

/**
 * promote, abort, pause, resume: sends the command for a release and prints the release as it stood when
 * the runner accepted it.
 */
abstract class ControlCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "RELEASE", description = "Release id, as deploy or status prints it.")
    String release;

    /** Sends the command; the runner answers with the release's status. */
    abstract ReleaseStatus send(RunnerClient client, String release);

    /** How the command is echoed back ({@code promote --full}). */
    String commandLine() {
        return spec.name();
    }

    @Override
    final int call(RunnerClient client) {
        ReleaseStatus s = send(client, release);
        out().println(commandLine() + " accepted for release " + s.id() + " (" + s.strategy() + ", " + s.phase()
                + ", step " + s.step() + "/" + s.stepCount() + ", canary weight " + s.canaryWeight() + "%)");
        return 0;
    }
}
