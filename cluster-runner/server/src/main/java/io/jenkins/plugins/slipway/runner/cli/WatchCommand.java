package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code watch}: a release's events as they come. */
@Command(name = "watch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prints a release's events as `HH:MM:SS Type message` until it ends, reconnecting from the"
                + " last event seen when the stream drops.", "Exit code 0 only when the release succeeds."})
final class WatchCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "RELEASE", description = "Release id, as deploy or status prints it.")
    String release;

    @Override
    int call(RunnerClient client) {
        return new ReleaseWatcher(client, out(), err()).watch(release);
    }
}
