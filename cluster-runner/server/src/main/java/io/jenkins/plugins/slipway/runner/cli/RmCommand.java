package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import java.util.ArrayList;
import java.util.List;
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
        report(app, client.deleteApp(app, volumes)).forEach(out()::println);
        return 0;
    }

    /** What the runner's answer to the delete says, a line each: removed, left where they are (with why), kept. */
    static List<String> report(String app, Map<String, Object> answer) {
        List<String> lines = new ArrayList<>();
        lines.add(app + " removed");
        if (answer.get("volumesRemoved") instanceof List<?> removed && !removed.isEmpty()) {
            lines.add("volumes removed: " + removed);
        }
        if (answer.get("volumesLeft") instanceof List<?> left) {
            for (Object l : left) {
                if (l instanceof Map<?, ?> v) {
                    lines.add("volume left: " + v.get("volume") + " on node " + v.get("node") + ": " + v.get("reason"));
                }
            }
        }
        if (answer.get("volumesKept") instanceof List<?> kept && !kept.isEmpty()) {
            lines.add("volumes kept (rm " + app + " --volumes removes them): " + kept);
        }
        return lines;
    }
}
