package io.jenkins.plugins.slipway.runner.it.gray;

import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/** Compose files and waits of the gray-release ITs. */
public final class GrayApps {
    private GrayApps() {
    }

    /**
     * One routed service {@code name} with {@code replicas} of {@code image}, a health check on /health every
     * second (5 s timeout and 3 retries: a busy machine slows it down without failing it), and {@code release}
     * (YAML of the {@code x-slipway.release} block, indented as a mapping under it).
     */
    static String service(String name, String image, int replicas, int routePort, String release) {
        return """
                  %s:
                    image: %s
                    stop_grace_period: 1s
                    healthcheck:
                      test: ["CMD", "/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/health"]
                      interval: 1s
                      timeout: 5s
                      retries: 3
                    deploy:
                      replicas: %d
                    x-slipway:
                      route: {port: %d, targetPort: 8080}
                      release:
                %s""".formatted(name, image, replicas, routePort, indent(release, 8));
    }

    static String app(String... services) {
        return "services:\n" + String.join("", services);
    }

    private static String indent(String text, int spaces) {
        String pad = " ".repeat(spaces);
        StringBuilder b = new StringBuilder();
        text.stripIndent().lines().forEach(l -> b.append(pad).append(l).append('\n'));
        return b.toString();
    }

    /** Waits until the release satisfies {@code phase} at {@code step}; returns its status. */
    public static ReleaseStatus awaitPhase(RunnerClient client, String release, Phase phase, int step, Duration atMost) {
        AtomicReference<ReleaseStatus> last = new AtomicReference<>();
        await("release " + release + " " + phase + " at step " + step).atMost(atMost)
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    ReleaseStatus s = client.release(release);
                    last.set(s);
                    if (s.phase().isTerminal() && !phase.isTerminal()) {
                        throw new AssertionError("release ended early: " + s);
                    }
                    return s.phase() == phase && (step < 0 || s.step() == step);
                });
        return last.get();
    }

    /** Follows a release's events into a list until closed. */
    public static final class Events implements AutoCloseable {
        final List<ReleaseEvent> list = new CopyOnWriteArrayList<>();
        private final RunnerClient.EventSubscription sub;

        public Events(RunnerClient client, String release) {
            sub = client.subscribe(release, 0, list::add, e -> { });
        }

        public List<String> lines() {
            return list.stream().map(e -> e.type() + " " + e.message()).toList();
        }

        List<ReleaseEvent> ofType(String type) {
            return list.stream().filter(e -> e.type().equals(type)).toList();
        }

        @Override
        public void close() {
            sub.close();
        }
    }
}
