package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.client.RunnerException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar slipway-runner.jar COMMAND ...}: {@code serve} runs the runner; the other commands talk to
 * one. Each command is one class listed in {@code subcommands}; picocli parses, prints help and completion.
 * Exit codes: 0 success, 1 the runner refused or a release did not succeed, 2 wrong usage.
 */
@Command(name = "slipway-runner", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        synopsisHeading = "usage: ", synopsisSubcommandLabel = "COMMAND",
        description = "Runs the Slipway cluster runner (serve) and talks to one (every other command).",
        footerHeading = "%nExit codes:%n",
        footer = {"  0  success", "  1  the runner refused, could not be reached, or the release did not succeed",
                "  2  wrong usage", "", "`slipway-runner COMMAND --help` describes a command."},
        subcommands = {ServeCommand.class, DeployCommand.class, StatusCommand.class, WatchCommand.class,
                AppsCommand.class, RmCommand.class, ValidateCommand.class, PromoteCommand.class, AbortCommand.class,
                PauseCommand.class, ResumeCommand.class, GetCommand.class, TokenCommand.class, RunCommand.class,
                LogsCommand.class, ScaleCommand.class, CommandLine.HelpCommand.class,
                AutoComplete.GenerateCompletion.class})
public final class Main implements Runnable {
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        return commandLine(out, err).execute(argv);
    }

    /** The whole command tree, writing to {@code out} and {@code err}. */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler((e, failed, parsed) -> failure(e, failed.getErr()));
        cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        // As with docker run: everything after the image is the task's command, its options included.
        cl.getSubcommands().get("run").setStopAtPositional(true);
        cl.getSubcommands().values().forEach(sub -> sub.getCommandSpec().usageMessage().synopsisHeading("usage: "));
        return cl;
    }

    /** Without a command: what there is to run, as wrong usage. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing COMMAND");
    }

    private static int usageError(ParameterException e, String[] argv) {
        CommandLine failed = e.getCommandLine();
        PrintWriter err = failed.getErr();
        boolean unknownCommand = e instanceof CommandLine.UnmatchedArgumentException u && failed.getParent() == null
                && failed.getParseResult() != null && !failed.getParseResult().hasSubcommand()
                && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-");
        err.println("slipway-runner: " + (unknownCommand
                ? "unknown command " + ((CommandLine.UnmatchedArgumentException) e).getUnmatched().get(0)
                : e.getMessage()));
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        failed.usage(err, failed.getColorScheme());
        return EXIT_USAGE;
    }

    private static int failure(Exception e, PrintWriter err) {
        err.println("slipway-runner: " + e.getMessage());
        if (e instanceof RunnerException re && re.error() != null) {
            ApiError error = re.error();
            error.problems().forEach(p -> err.println("  " + p.path() + ": " + p.message()));
        }
        return EXIT_FAILURE;
    }

    /** Where {@code serve} writes the first admin token and the client commands read it: outside the data dir. */
    static Path defaultTokenFile() {
        return Path.of(System.getProperty("user.home"), ".config", "slipway", "token");
    }

    static Path defaultDataDir() {
        return Path.of(System.getProperty("user.home"), ".slipway");
    }

    /** The version from the jar's manifest (set by the shade plugin). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"slipway-runner " + (v == null ? "(development build)" : v)};
        }
    }
}
