package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rm}: removes an app. */
@Command(name = "rm", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Removes an app: stops its replicas and its routes, and removes its networks.",
                "Its named volumes and their data are kept unless --volumes is given."})
final class RmCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "APP", description = "App name.")
    String app;

    @Option(names = "--volumes", description = "Also remove the app's named volumes and the data in them.")
    boolean volumes;

    @Override
    int call(RunnerClient client) {
        Map<String, Object> answer = client.deleteApp(app, volumes);
        out().println(app + " removed");
        Object removed = answer.get("volumesRemoved");
        Object kept = answer.get("volumesKept");
        if (removed instanceof java.util.List<?> list && !list.isEmpty()) {
            out().println("volumes removed: " + list);
        }
        if (answer.get("volumesLeft") instanceof java.util.List<?> left) {
            for (Object l : left) {
                if (l instanceof Map<?, ?> v) {
                    out().println("volume left: " + v.get("volume") + " on node " + v.get("node") + ": " + v.get("reason"));
                }
            }
        }
        if (kept instanceof java.util.List<?> list && !list.isEmpty()) {
            out().println("volumes kept (rm " + app + " --volumes removes them): " + list);
        }
        return 0;
    }
}
