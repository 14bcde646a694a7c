package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.RunnerService;
import io.jenkins.plugins.slipway.runner.api.tls.TlsOptions;
import io.jenkins.plugins.slipway.runner.api.tls.TlsSettings;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code serve}: runs the runner until the process is stopped. */
final class Serve {
    private Serve() {
    }

    private static Path path(Args args, String option) {
        String value = args.get(option, null);
        return value == null ? null : Path.of(value);
    }

    static int run(Args args, PrintStream err) {
        Path data = Path.of(args.get("--data", Main.defaultDataDir().toString()));
        Path tokenFile = Path.of(args.get("--token-file", Main.defaultTokenFile().toString()));
        int port;
        try {
            port = Integer.parseInt(args.get("--port", "8787"));
        } catch (NumberFormatException e) {
            throw new Args.UsageException("--port must be a number");
        }
        String dockerHost = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
        RunnerService service = new RunnerService();
        TlsSettings tls;
        try {
            Files.createDirectories(data);
            String host = args.get("--host", "127.0.0.1");
            tls = new TlsOptions(path(args, "--tls-cert"), path(args, "--tls-key"), args.flag("--tls-self-signed"),
                    path(args, "--tls-client-ca")).settings(data, host);
            service.start(new RunnerService.Options(host, port, data, () -> TokenFile.initial(tokenFile, data, err),
                    args.get("--engine", "docker"), dockerHost, tls));
        } catch (Exception e) {
            err.println("slipway-runner: cannot start: " + e.getMessage());
            service.close();
            return 1;
        }
        err.println("slipway-runner: serving on " + (tls == null ? "http" : "https") + "://"
                + args.get("--host", "127.0.0.1") + ":" + service.port() + ", admin token in " + tokenFile);
        if (tls != null) {
            err.println("slipway-runner: TLS certificate SHA-256 fingerprint " + tls.fingerprint()
                    + (tls.needClientAuth() ? "; client certificates required" : ""));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(service::close, "slipway-shutdown"));
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
