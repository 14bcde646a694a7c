package io.jenkins.plugins.slipway.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

class CliTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... argv) {
        return Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static <T> T parse(Class<T> command, String... argv) {
        ParseResult parsed = Main.commandLine(System.out, System.err).parseArgs(argv);
        return command.cast(parsed.subcommand().commandSpec().userObject());
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void parsesOptionsFlagsAndRepeats() {
        DeployCommand deploy = parse(DeployCommand.class, "deploy", "shop", "-f", "c.yml", "--image", "web=a", "--image=api=b", "--watch");
        assertThat(deploy.app).isEqualTo("shop");
        assertThat(deploy.file).isEqualTo(Path.of("c.yml"));
        assertThat(deploy.images).containsExactly(entry("web", "a"), entry("api", "b"));
        assertThat(deploy.watch).isTrue();
        assertThat(parse(DeployCommand.class, "deploy", "--file=c.yml", "shop").watch).isFalse();
    }

    private static java.util.Map.Entry<String, String> entry(String k, String v) {
        return java.util.Map.entry(k, v);
    }

    @Test
    void promoteTakesFullAsAFlagAndAbortAReason() {
        PromoteCommand promote = parse(PromoteCommand.class, "promote", "shop-5-9c1e", "--full");
        assertThat(promote.release).isEqualTo("shop-5-9c1e");
        assertThat(promote.full).isTrue();
        AbortCommand abort = parse(AbortCommand.class, "abort", "shop-5-9c1e", "--reason", "p99 too high");
        assertThat(abort.reason).isEqualTo("p99 too high");
        assertThat(parse(AbortCommand.class, "abort", "shop-5-9c1e").reason).isEqualTo("aborted from the command line");
        assertThat(run("--help")).isZero();
        assertThat(out()).contains("usage: slipway-runner", "promote", "abort", "pause", "resume", "Exit codes:");
    }

    @Test
    void everyCommandHasHelpNamingItsOptions() {
        CommandLine cl = Main.commandLine(System.out, System.err);
        for (String command : List.of("serve", "deploy", "status", "watch", "apps", "rm", "promote", "abort", "pause",
                "resume", "get", "run", "logs", "scale", "generate-completion")) {
            out.reset();
            assertThat(run(command, "--help")).as(command).isZero();
            assertThat(out()).as(command).startsWith("usage: slipway-runner " + command);
            for (CommandLine.Model.OptionSpec option : cl.getSubcommands().get(command).getCommandSpec().options()) {
                assertThat(option.description()).as(command + " " + option.longestName()).isNotEmpty();
                assertThat(out()).as(command).contains(option.longestName());
            }
        }
        out.reset();
        run("promote", "--help");
        assertThat(out()).contains("usage: slipway-runner promote", "RELEASE", "--full", "--url", "--token-file");
        out.reset();
        run("help", "abort");
        assertThat(out()).contains("usage: slipway-runner abort", "--reason=R");
    }

    @Test
    void wrongUsageExitsTwoWithTheUsage() {
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(err()).contains("unknown command frobnicate").contains("usage:");
    }

    @Test
    void noCommandIsWrongUsage() {
        assertThat(run()).isEqualTo(2);
        assertThat(err()).contains("missing COMMAND", "usage: slipway-runner");
    }

    @Test
    void missingOrBadArgumentsNameTheCommandAndExitTwo() {
        assertThat(run("deploy", "shop")).isEqualTo(2);
        assertThat(err()).contains("Missing required option: '--file=COMPOSE_FILE'", "usage: slipway-runner deploy");
        err.reset();
        assertThat(run("deploy", "shop", "-f", "c.yml", "--image", "web")).isEqualTo(2);
        assertThat(err()).contains("--image", "KEY=VALUE", "web");
        err.reset();
        assertThat(run("serve", "--port", "eighty")).isEqualTo(2);
        assertThat(err()).contains("--port", "eighty");
        err.reset();
        assertThat(run("promote")).isEqualTo(2);
        assertThat(err()).contains("RELEASE");
    }

    @Test
    void runTakesEverythingAfterTheImageAsTheTasksCommand() {
        RunCommand run = parse(RunCommand.class, "run", "-e", "A=1", "--timeout", "10m", "--stop-grace", "5s",
                "img:1", "sh", "-c", "echo hi", "-e", "--timeout");
        assertThat(run.image).isEqualTo("img:1");
        assertThat(run.command).containsExactly("sh", "-c", "echo hi", "-e", "--timeout");
        assertThat(run.env).containsExactly("A=1");
        assertThat(run.timeout).isEqualTo(java.time.Duration.ofMinutes(10));
        assertThat(run.stopGrace).isEqualTo(java.time.Duration.ofSeconds(5));
        assertThat(parse(RunCommand.class, "run", "img").command).isEmpty();

        assertThat(run("run", "--timeout", "soon", "img")).isEqualTo(2);
        assertThat(err()).contains("'soon' is not a duration");
    }

    @Test
    void scaleWantsServiceEqualsReplicas() {
        ScaleCommand scale = parse(ScaleCommand.class, "scale", "shop", "web=3");
        assertThat(scale.app).isEqualTo("shop");
        assertThat(scale.target).isEqualTo(new ScaleCommand.Target("web", 3));

        assertThat(run("scale", "shop", "web", "--token-file", dir.resolve("none").toString())).isEqualTo(2);
        assertThat(err()).contains("expected SERVICE=REPLICAS (web=3), got 'web'");
    }

    @Test
    void clientWithoutTokenFileSaysWhatToDo() {
        assertThat(run("apps", "--token-file", dir.resolve("none").toString())).isEqualTo(1);
        assertThat(err()).contains("token file").contains("--token-file");
    }

    @Test
    void completionScriptCoversTheCommands() {
        assertThat(run("generate-completion")).isZero();
        assertThat(out()).contains("complete -F _complete_slipway-runner", "promote", "--token-file", "--reason");
    }

    @Test
    void tokenCommandsTakeANameAppPatternsAndARole() {
        ParseResult parsed = Main.commandLine(System.out, System.err)
                .parseArgs("token", "create", "ci", "--apps", "shop-*,web", "--role", "deploy", "--fingerprint", "AB:CD");
        TokenCommand.Create create = (TokenCommand.Create) parsed.subcommand().subcommand().commandSpec().userObject();
        assertThat(create.name).isEqualTo("ci");
        assertThat(create.apps).containsExactly("shop-*", "web");
        assertThat(create.role).isEqualTo("deploy");
        assertThat(create.connection.fingerprint).isEqualTo("AB:CD");

        assertThat(run("token", "create", "ci")).isEqualTo(2);
        assertThat(err()).contains("--role");
    }

    @Test
    void contradictoryTlsOptionsAreRefusedBeforeAnyCall() throws Exception {
        Path token = java.nio.file.Files.writeString(dir.resolve("token"), "slw_x");
        Path ca = java.nio.file.Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        assertThat(run("apps", "--token-file", token.toString(), "--url", "https://127.0.0.1:1", "--ca", ca.toString(),
                "--fingerprint", "AB")).isEqualTo(1);
        assertThat(err()).contains("give --fingerprint or --ca, not both");
        assertThat(run("apps", "--token-file", token.toString(), "--url", "https://127.0.0.1:1", "--ca", ca.toString()))
                .isEqualTo(1);
        assertThat(err()).contains("--ca " + ca + ": the CA certificate is not a PEM certificate");
        assertThat(run("apps", "--token-file", token.toString(), "--url", "https://127.0.0.1:1", "--fingerprint", "AB"))
                .isEqualTo(1);
        assertThat(err()).contains("--fingerprint: a SHA-256 fingerprint is 32 bytes in hex");
    }

    @Test
    void serveRefusesTlsOptionsThatContradictEachOtherNamingThem() {
        assertThat(run("serve", "--data", dir.resolve("data").toString(), "--token-file", dir.resolve("t").toString(),
                "--tls-cert", dir.resolve("c.pem").toString())).isEqualTo(1);
        assertThat(err()).contains("cannot start: --tls-cert needs --tls-key");
    }
}
