package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.client.AppStatus;
import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.DeployResponse;
import io.jenkins.plugins.slipway.runner.client.HttpRunnerClient;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.runner.client.RunnerException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** The commands that talk to a runner through {@link HttpRunnerClient}. */
final class ClientCommands {
    private static final int MAX_RECONNECTS = 20;

    private final Args args;
    private final PrintStream out;
    private final PrintStream err;

    ClientCommands(Args args, PrintStream out, PrintStream err) {
        this.args = args;
        this.out = out;
        this.err = err;
    }

    int run(String command) {
        try (RunnerClient client = client()) {
            return switch (command) {
                case "deploy" -> deploy(client);
                case "status" -> status(client);
                case "watch" -> watch(client, args.positional(0, "RELEASE"));
                case "apps" -> apps(client);
                case "rm" -> rm(client);
                case "promote", "abort", "pause", "resume" -> control(client, command);
                default -> throw new Args.UsageException("unknown command " + command);
            };
        } catch (RunnerException e) {
            err.println("slipway-runner: " + e.getMessage());
            ApiError error = e.error();
            if (error != null) {
                error.problems().forEach(p -> err.println("  " + p.path() + ": " + p.message()));
            }
            return 1;
        } catch (IOException e) {
            err.println("slipway-runner: " + e.getMessage());
            return 1;
        }
    }

    private RunnerClient client() throws IOException {
        String url = args.get("--url", System.getenv().getOrDefault("SLIPWAY_URL", "http://127.0.0.1:8787"));
        Path tokenFile = Path.of(args.get("--token-file", System.getenv().getOrDefault("SLIPWAY_TOKEN_FILE",
                Main.defaultTokenFile().toString())));
        if (!Files.exists(tokenFile)) {
            throw new IOException("token file " + tokenFile + " not found: pass --token-file (serve writes the"
                    + " first admin token to " + Main.defaultTokenFile() + " unless told otherwise by its --token-file)");
        }
        return HttpRunnerClient.builder(url).withToken(TokenFile.read(tokenFile)).build();
    }

    private int deploy(RunnerClient client) throws IOException {
        String app = args.positional(0, "APP");
        String file = args.get("--file", null);
        if (file == null) {
            throw new Args.UsageException("deploy needs -f compose.yml");
        }
        Map<String, String> images = new LinkedHashMap<>();
        for (String kv : args.all("--image")) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new Args.UsageException("--image takes SERVICE=REF, got " + kv);
            }
            images.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        String compose = Files.readString(Path.of(file));
        DeployResponse rsp = client.deploy(app, new DeployRequest(compose, images, null));
        rsp.warnings().forEach(w -> err.println("warning: " + w));
        if (rsp.release() == null) {
            out.println(app + " unchanged at revision " + rsp.revision());
            return 0;
        }
        out.println(app + " revision " + rsp.revision() + ", release " + rsp.release());
        return args.flag("--watch") ? watch(client, rsp.release()) : 0;
    }

    /** Prints the release's events as they come, reconnecting from the last one seen; exit 0 only on success. */
    int watch(RunnerClient client, String release) {
        AtomicLong last = new AtomicLong();
        for (int attempt = 0; attempt <= MAX_RECONNECTS; attempt++) {
            CompletableFuture<Throwable> closed = new CompletableFuture<>();
            try (RunnerClient.EventSubscription sub = client.subscribe(release, last.get(), e -> {
                print(e);
                last.set(e.id());
            }, closed::complete)) {
                Throwable why = closed.join();
                if (why == null) {
                    break;
                }
                err.println("slipway-runner: event stream dropped (" + why.getMessage() + "), reconnecting");
            }
            try {
                Thread.sleep(Duration.ofSeconds(1).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
        ReleaseStatus status = client.release(release);
        out.println("release " + status.id() + ": " + status.phase() + (status.message() == null ? "" : " - " + status.message()));
        return status.phase() == Phase.Succeeded ? 0 : 1;
    }

    private void print(ReleaseEvent e) {
        String time = e.time() == null || e.time().length() < 19 ? String.valueOf(e.time()) : e.time().substring(11, 19);
        out.println(time + " " + e.type() + " " + e.message());
        out.flush();
    }

    private int status(RunnerClient client) {
        AppStatus s = client.app(args.positional(0, "APP"));
        out.println(s.name() + " revision " + s.revision() + (s.currentRelease() == null ? "" : ", release " + s.currentRelease()));
        for (AppStatus.ServiceStatus svc : s.services()) {
            out.println("  " + svc.name() + ": " + svc.replicas().ready() + "/" + svc.replicas().desired() + " ready"
                    + (svc.route() == null ? "" : ", route 127.0.0.1:" + svc.route().port() + " -> " + svc.route().targetPort())
                    + (svc.weights().isEmpty() ? "" : ", weights " + svc.weights())
                    + ", images " + svc.images());
        }
        if (s.currentRelease() != null) {
            ReleaseStatus r = client.release(s.currentRelease());
            out.println("  release " + r.id() + ": " + r.phase() + ", step " + r.step() + "/" + r.stepCount()
                    + (r.message() == null ? "" : " - " + r.message()));
        }
        return 0;
    }

    private int apps(RunnerClient client) {
        List<AppStatus> all = client.apps();
        if (all.isEmpty()) {
            out.println("no apps");
        }
        for (AppStatus s : all) {
            int ready = s.services().stream().mapToInt(x -> x.replicas().ready()).sum();
            int desired = s.services().stream().mapToInt(x -> x.replicas().desired()).sum();
            out.println(s.name() + "  revision " + s.revision() + "  " + ready + "/" + desired + " ready"
                    + (s.currentRelease() == null ? "" : "  release " + s.currentRelease()));
        }
        return 0;
    }

    /** promote, abort, pause, resume: prints the release as it stood when the runner accepted the command. */
    private int control(RunnerClient client, String command) {
        String release = args.positional(0, "RELEASE");
        ReleaseStatus s = switch (command) {
            case "promote" -> client.promote(release, args.flag("--full"));
            case "abort" -> client.abort(release, args.get("--reason", "aborted from the command line"));
            case "pause" -> client.pause(release);
            default -> client.resume(release);
        };
        out.println(command + (command.equals("promote") && args.flag("--full") ? " --full" : "") + " accepted for release "
                + s.id() + " (" + s.strategy() + ", " + s.phase() + ", step " + s.step() + "/" + s.stepCount()
                + ", canary weight " + s.canaryWeight() + "%)");
        return 0;
    }

    private int rm(RunnerClient client) {
        String app = args.positional(0, "APP");
        client.deleteApp(app);
        out.println(app + " removed");
        return 0;
    }
}
