package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.runner.client.Tokens;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code token create|list|revoke}: the runner's API tokens, through its API with an admin token. */
@Command(name = "token", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Manages the runner's API tokens (needs an admin token).",
                "Roles: read < deploy < admin; app patterns such as 'shop-*' limit a token to those apps."},
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand implements Runnable {
    @Spec
    CommandSpec spec;

    /** Without a subcommand: wrong usage. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: create, list or revoke");
    }

    /** {@code token create NAME --apps 'shop-*' --role deploy}. */
    @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Makes a token and prints it: the only time it is shown.")
    static final class Create extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "Token name: what the audit log records.")
        String name;

        @Option(names = "--apps", paramLabel = "PATTERN", split = ",", defaultValue = "*",
                description = "App patterns the token may touch, comma-separated ('*' any run of characters;"
                        + " default ${DEFAULT-VALUE}).")
        List<String> apps;

        @Option(names = "--role", paramLabel = "ROLE", required = true, completionCandidates = Roles.class,
                description = "read, deploy or admin.")
        String role;

        @Override
        int call(RunnerClient client) {
            Tokens.Created made = client.createToken(new Tokens.CreateRequest(name, apps, role));
            err().println("token " + made.name() + ": role " + made.role() + ", apps " + String.join(",", made.apps())
                    + "; shown this once, keep it in a secret store:");
            out().println(made.token());
            return 0;
        }
    }

    /** {@code token list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the tokens (never the tokens themselves).")
    static final class ListTokens extends ClientCommand {
        @Override
        int call(RunnerClient client) {
            out().printf("%-24s %-7s %-30s %s%n", "NAME", "ROLE", "APPS", "CREATED");
            for (Tokens.Summary t : client.tokens()) {
                out().printf("%-24s %-7s %-30s %s%n", t.name(), t.role(), String.join(",", t.apps()), t.created());
            }
            return 0;
        }
    }

    /** {@code token revoke NAME}. */
    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revokes a token: the runner refuses it from the next request on.")
    static final class Revoke extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "Token name.")
        String name;

        @Override
        int call(RunnerClient client) {
            client.revokeToken(name);
            out().println("token " + name + " revoked");
            return 0;
        }
    }

    /** The roles, for shell completion. */
    static final class Roles implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return List.of("read", "deploy", "admin").iterator();
        }
    }
}
