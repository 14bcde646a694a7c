package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.runner.client.TaskRequest;
import io.jenkins.plugins.slipway.runner.client.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code run}: a container run to completion on the runner's engine, its output printed as it comes. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a task: a container on the runner's engine that runs to completion. Prints its output",
                "as it comes and exits with its exit code (1 when it could not run, was stopped or timed out)."})
final class RunCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "IMAGE", description = "Image reference; the engine pulls it when needed.")
    String image;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "Replaces the image's command.")
    List<String> command = new ArrayList<>();

    @Option(names = {"-e", "--env"}, paramLabel = "NAME[=VALUE]",
            description = {"A variable for the container (repeatable). NAME alone takes the value from this",
                    "command's own environment, so that a secret need not be on the command line."})
    List<String> env = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop the task after this long (default: the runner's, 1h).")
    Duration timeout;

    @Option(names = "--stop-grace", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "After SIGTERM, how long before SIGKILL when the task is stopped (default: 10s).")
    Duration stopGrace;

    @Option(names = {"-d", "--detach"}, description = "Print the task id and return once the runner accepted it.")
    boolean detach;

    @Override
    int call(RunnerClient client) throws Exception {
        TaskStatus started = client.runTask(new TaskRequest(image, command, environment(),
                timeout == null ? null : (int) timeout.toSeconds(),
                stopGrace == null ? null : (int) stopGrace.toSeconds()));
        if (detach) {
            out().println(started.id());
            return 0;
        }
        err().println("slipway-runner: task " + started.id() + " from " + image);
        // Ctrl-C stops the task on the runner too, as it would stop a docker run.
        Thread stopper = new Thread(() -> client.stopTask(started.id()), "slipway-stop-task");
        Runtime.getRuntime().addShutdownHook(stopper);
        TaskStatus end = new TaskOutput(client, out(), err()).follow(started.id());
        Runtime.getRuntime().removeShutdownHook(stopper);
        if (!"Succeeded".equals(end.state()) && !"Failed".equals(end.state()) || end.exitCode() == null) {
            err().println("slipway-runner: task " + end.id() + " " + end.state() + ": " + end.message());
            return Main.EXIT_FAILURE;
        }
        if (end.exitCode() != 0) {
            err().println("slipway-runner: task " + end.id() + " " + end.message());
        }
        return end.exitCode();
    }

    private Map<String, String> environment() {
        Map<String, String> vars = new LinkedHashMap<>();
        for (String e : env) {
            int eq = e.indexOf('=');
            String name = eq < 0 ? e : e.substring(0, eq);
            String value = eq < 0 ? System.getenv(name) : e.substring(eq + 1);
            if (value == null) {
                throw new ParameterException(spec.commandLine(), "--env " + name + ": no such variable in this"
                        + " command's environment; give NAME=VALUE");
            }
            vars.put(name, value);
        }
        return vars;
    }
}
