package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** Prints a release's events as they come, reconnecting from the last one seen; exit 0 only on success. */
final class ReleaseWatcher {
    private static final int MAX_RECONNECTS = 20;

    private final RunnerClient client;
    private final PrintWriter out;
    private final PrintWriter err;

    ReleaseWatcher(RunnerClient client, PrintWriter out, PrintWriter err) {
        this.client = client;
        this.out = out;
        this.err = err;
    }

    int watch(String release) {
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
                return Main.EXIT_FAILURE;
            }
        }
        ReleaseStatus status = client.release(release);
        out.println("release " + status.id() + ": " + status.phase() + (status.message() == null ? "" : " - " + status.message()));
        return status.phase() == Phase.Succeeded ? 0 : Main.EXIT_FAILURE;
    }

    private void print(ReleaseEvent e) {
        String time = e.time() == null || e.time().length() < 19 ? String.valueOf(e.time()) : e.time().substring(11, 19);
        out.println(time + " " + e.type() + " " + e.message());
        out.flush();
    }
}
