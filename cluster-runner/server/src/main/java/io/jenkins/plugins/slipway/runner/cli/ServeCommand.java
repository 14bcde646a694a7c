package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.RunnerService;
import io.jenkins.plugins.slipway.runner.analysis.WebhookPolicy;
import io.jenkins.plugins.slipway.runner.api.ServerOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code serve}: runs the runner until the process is stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the runner: its API, its routes and its releases, until SIGTERM.",
                "After any stop, a restart on the same data dir adopts its containers and resumes its releases."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8787",
            description = "API port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address the API and the routes listen on (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Data dir: the H2 database, the token file and runner-id (default ~/.slipway).")
    Path data;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "The API token; generated (mode 0600) when absent (default DATA/token).")
    Path tokenFile;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "docker",
            description = "Where replicas run: docker, the daemon at DOCKER_HOST (default ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--webhook-allow", paramLabel = "CIDR|HOST",
            description = {"Lets webhook analyses reach this address range or host (repeatable).",
                    "By default they reach public addresses only: not loopback, link-local (cloud metadata),",
                    "private or reserved ones."})
    List<String> webhookAllow = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Path dataDir = data == null ? Main.defaultDataDir() : data;
        Path token = tokenFile == null ? dataDir.resolve("token") : tokenFile;
        String dockerHost = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
        RunnerService service = new RunnerService();
        try {
            Files.createDirectories(dataDir);
            service.start(new RunnerService.Options(host, port, dataDir, TokenFile.readOrCreate(token), engine,
                    dockerHost, ServerOptions.plain(host, port), WebhookPolicy.allowing(webhookAllow)));
        } catch (Exception e) {
            err.println("slipway-runner: cannot start: " + e.getMessage());
            service.close();
            return Main.EXIT_FAILURE;
        }
        err.println("slipway-runner: serving on http://" + host + ":" + service.port() + ", token in " + token);
        Runtime.getRuntime().addShutdownHook(new Thread(service::close, "slipway-shutdown"));
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
