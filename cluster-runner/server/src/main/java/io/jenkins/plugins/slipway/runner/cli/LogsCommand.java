package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.runner.client.TaskStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code logs}: a task's log from its first line, followed until the task ended. */
@Command(name = "logs", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prints a task's log (stdout lines to stdout, stderr lines to stderr), following it until",
                "the task ended, then how it ended."})
final class LogsCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "TASK", description = "Task id, as run --detach prints it.")
    String task;

    @Override
    int call(RunnerClient client) throws Exception {
        TaskStatus end = new TaskOutput(client, out(), err()).follow(task);
        err().println("slipway-runner: task " + end.id() + " " + end.state() + ": " + end.message());
        return 0;
    }
}
