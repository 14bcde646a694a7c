package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.RunnerService;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code serve}: runs the runner until the process is stopped. */
final class Serve {
    private Serve() {
    }

    static int run(Args args, PrintStream err) {
        Path data = Path.of(args.get("--data", Main.defaultDataDir().toString()));
        Path tokenFile = Path.of(args.get("--token-file", data.resolve("token").toString()));
        int port;
        try {
            port = Integer.parseInt(args.get("--port", "8787"));
        } catch (NumberFormatException e) {
            throw new Args.UsageException("--port must be a number");
        }
        String dockerHost = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
        RunnerService service = new RunnerService();
        try {
            Files.createDirectories(data);
            String token = TokenFile.readOrCreate(tokenFile);
            service.start(new RunnerService.Options(args.get("--host", "127.0.0.1"), port, data, token,
                    args.get("--engine", "docker"), dockerHost));
        } catch (Exception e) {
            err.println("slipway-runner: cannot start: " + e.getMessage());
            service.close();
            return 1;
        }
        err.println("slipway-runner: serving on http://" + args.get("--host", "127.0.0.1") + ":" + service.port()
                + ", token in " + tokenFile);
        Runtime.getRuntime().addShutdownHook(new Thread(service::close, "slipway-shutdown"));
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
