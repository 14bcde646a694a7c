package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.client.AppStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code apps}: one line per app. */
@Command(name = "apps", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Lists the apps: revision, ready/desired replicas and current release.")
final class AppsCommand extends ClientCommand {
    @Override
    int call(RunnerClient client) {
        List<AppStatus> all = client.apps();
        if (all.isEmpty()) {
            out().println("no apps");
        }
        for (AppStatus s : all) {
            int ready = s.services().stream().mapToInt(x -> x.replicas().ready()).sum();
            int desired = s.services().stream().mapToInt(x -> x.replicas().desired()).sum();
            out().println(s.name() + "  revision " + s.revision() + "  " + ready + "/" + desired + " ready"
                    + (s.currentRelease() == null ? "" : "  release " + s.currentRelease()));
        }
        return 0;
    }
}
