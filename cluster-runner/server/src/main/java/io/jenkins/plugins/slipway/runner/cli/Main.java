package io.jenkins.plugins.slipway.runner.cli;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code java -jar slipway-runner.jar COMMAND ...}: {@code serve} runs the runner; the other commands talk to
 * one. Exit codes: 0 success, 1 the runner refused or a release did not succeed, 2 wrong usage.
 */
public final class Main {
    static final String USAGE = """
            usage: java -jar slipway-runner.jar COMMAND [options]

              serve   [--port 8787] [--host 127.0.0.1] [--data ~/.slipway] [--token-file F] [--engine docker]
                      [--tls-cert FILE --tls-key FILE | --tls-self-signed] [--tls-client-ca FILE]
              deploy  APP -f compose.yml [--image SERVICE=REF]... [--watch]
              status  APP
              watch   RELEASE
              apps
              rm      APP
              promote RELEASE [--full]       next step, or every remaining step with --full
              abort   RELEASE [--reason R]   traffic back to stable, new replicas removed
              pause   RELEASE
              resume  RELEASE

            client options: --url http://127.0.0.1:8787 (or SLIPWAY_URL)
                            --token-file F (or SLIPWAY_TOKEN_FILE; default ~/.config/slipway/token)
            """;

    private Main() {
    }

    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("help")) {
            out.print(USAGE);
            return argv.length == 0 ? 2 : 0;
        }
        try {
            Args args = Args.parse(argv, 1);
            return switch (argv[0]) {
                case "serve" -> Serve.run(args, err);
                case "deploy", "status", "watch", "apps", "rm", "promote", "abort", "pause", "resume" -> new ClientCommands(args, out, err).run(argv[0]);
                default -> throw new Args.UsageException("unknown command " + argv[0]);
            };
        } catch (Args.UsageException e) {
            err.println("slipway-runner: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
    }

    /** Where {@code serve} writes the first admin token and the client commands read it: outside the data dir. */
    static Path defaultTokenFile() {
        return Path.of(System.getProperty("user.home"), ".config", "slipway", "token");
    }

    static Path defaultDataDir() {
        return Path.of(System.getProperty("user.home"), ".slipway");
    }
}
