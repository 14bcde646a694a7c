package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to a runner: subclasses implement {@link #call(RunnerClient)} and print to
 * {@link #out()}; a refusal by the runner surfaces as a {@code RunnerException} that {@link Main} prints
 * (exit code 1).
 */
abstract class ClientCommand implements Callable<Integer> {
    @Mixin
    ClientOptions connection;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        try (RunnerClient client = connection.open()) {
            return call(client);
        }
    }

    /** Runs the command; returns the exit code. */
    abstract int call(RunnerClient client) throws Exception;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
