package io.jenkins.plugins.slipway.runner.it.faults;

import io.jenkins.plugins.slipway.runner.it.WholeMachine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.runner.it.Apps;
import io.jenkins.plugins.slipway.runner.it.Docker;
import io.jenkins.plugins.slipway.runner.it.Http;
import io.jenkins.plugins.slipway.runner.it.RunnerFixture;
import io.jenkins.plugins.slipway.runner.it.RunnerProcess;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of the runner at random moments of rolling, canary and blue-green releases of one app: after
 * each restart the release ends (succeeded or rolled back), exactly the replicas of one revision run and serve,
 * and the release's event stream, followed across the restart with {@code Last-Event-ID}, has every event of the
 * store once, in order. The moment is "after the k-th event of the release, plus d ms" with k and d drawn from a
 * seeded generator: the seed is printed, {@code -Dslipway.faults.seed=N} replays a run and
 * {@code -Dslipway.faults.rounds=N} sizes it (20 by default).
 */
@WholeMachine("kills a runner at 20 seeded moments of releases timed by the machine's pace")
class RunnerKillIT {
    private static final String APP = "it-kill9";
    private static final List<String> STRATEGIES = List.of("rolling", "canary", "blueGreen");
    private static final Set<String> TERMINAL = Set.of("ReleaseSucceeded", "ReleaseFailed", "ReleaseRolledBack",
            "ReleaseAborted");

    @Test
    void killNineAtRandomMomentsOfReleasesLosesAndRepeatsNoEventAndConvergesToOneRevision() throws Exception {
        long seed = Long.getLong("slipway.faults.seed", new Random().nextLong());
        int rounds = Integer.getInteger("slipway.faults.rounds", 20);
        System.out.println("RunnerKillIT: seed " + seed + " (replay with -Dslipway.faults.seed=" + seed + "), "
                + rounds + " rounds");
        Random random = new Random(seed);
        long began = System.nanoTime();
        try (RunnerFixture fixture = RunnerFixture.start("kill9", 24100, 24149, List.of(APP), "v1", "v2")) {
            int port = RunnerProcess.freePort(24150, 24199);
            String id = fixture.client().deploy(APP, new DeployRequest(compose("rolling", fixture.image("v1"), port),
                    Map.of(), null)).release();
            ReleaseStatus first = Apps.awaitEnd(fixture.client(), id, Duration.ofSeconds(120));
            assertThat(first.phase()).as(first.message()).isEqualTo(Phase.Succeeded);
            int servedRevision = first.toRevision();
            String servedVersion = "v1";
            for (int round = 1; round <= rounds; round++) {
                String strategy = STRATEGIES.get((round - 1) % STRATEGIES.size());
                String version = servedVersion.equals("v1") ? "v2" : "v1";
                int killAfterEvents = 1 + random.nextInt(9);
                int extraMillis = random.nextInt(400);
                long t0 = System.nanoTime();
                RunnerClient client = fixture.client();
                String release = client.deploy(APP, new DeployRequest(compose(strategy, fixture.image(version), port),
                        Map.of(), null)).release();
                Follower events = new Follower(client, release, 0);
                await("event " + killAfterEvents + " of " + release + " or its end").atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> events.size() >= killAfterEvents || events.ended());
                // The random moment between two events: part of the seeded draw, not a wait for a condition.
                Thread.sleep(extraMillis);
                int seenAtKill = events.size();
                String phaseAtKill = client.release(release).phase().toString();
                fixture.runner().kill9();
                events.close();
                client = fixture.relaunch();
                Follower resumed = new Follower(client, release, events.lastId());
                ReleaseStatus end = Apps.awaitEnd(client, release, Duration.ofSeconds(180));
                // Killed after the end (the release had fewer events than drawn): the first stream had it all.
                await("the stream of " + release + " reaches its end").atMost(Duration.ofSeconds(30))
                        .until(() -> events.ended() || resumed.ended());
                resumed.close();

                List<String> streamed = new ArrayList<>(events.lines());
                streamed.addAll(resumed.lines());
                List<String> stored = stored(fixture, release);
                String context = "round " + round + " (" + strategy + ", seed " + seed + "): streamed " + streamed
                        + "\nstored " + stored;
                assertThat(streamed).as("every stored event streamed once, in order: " + context).isEqualTo(stored);
                assertThat(ids(streamed)).as(context).isEqualTo(IntStream.rangeClosed(1, stored.size()).boxed().toList());
                assertThat(stored.get(0)).as(context).endsWith(" ReleaseStarted");
                assertThat(stored.stream().filter(l -> TERMINAL.contains(type(l))).toList()).as(context)
                        .containsExactly(stored.get(stored.size() - 1));
                List<String> steps = events.stepMessages();
                steps.addAll(resumed.stepMessages());
                assertThat(steps).as("no step started twice: " + context).doesNotHaveDuplicates();

                assertThat(end.phase()).as(end.message() + "; " + context).isIn(Phase.Succeeded, Phase.RolledBack);
                if (end.phase() == Phase.Succeeded) {
                    servedRevision = end.toRevision();
                    servedVersion = version;
                }
                int revision = servedRevision;
                String body = "version " + servedVersion;
                List<String> desired = IntStream.rangeClosed(1, 2)
                        .mapToObj(i -> "slipway-" + APP + "-web-" + revision + "-" + i + " " + revision + " running").toList();
                await("round " + round + ": exactly " + desired + ", serving " + body).atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> Docker.containers(APP).equals(desired) && answers(port, body));
                String line = String.format("round %2d %-9s kill after %d events + %3d ms (%s, %d seen) -> %s,"
                                + " %d events (%d after the restart), revision %d serves %s, %.1f s", round, strategy,
                        killAfterEvents, extraMillis, phaseAtKill, seenAtKill, end.phase(), stored.size(),
                        resumed.size(), revision, servedVersion, (System.nanoTime() - t0) / 1e9);
                System.out.println("RunnerKillIT: " + line);
            }
            System.out.printf("RunnerKillIT: seed %d, %d kills, every release ended with one revision serving and its"
                    + " event stream whole, in %.0f s%n", seed, rounds, (System.nanoTime() - began) / 1e9);
        }
    }

    private static String compose(String strategy, String image, int port) {
        String release = switch (strategy) {
            case "rolling" -> "{strategy: rolling}";
            case "canary" -> "\n          strategy: canary\n          steps:\n            - setWeight: 50\n"
                    + "            - pause: {duration: 1s}";
            case "blueGreen" -> "{strategy: blueGreen, scaleDownDelaySeconds: 1}";
            default -> throw new IllegalArgumentException(strategy);
        };
        return """
                services:
                  web:
                    image: %s
                    stop_grace_period: 1s
                    deploy:
                      replicas: 2
                      update_config: {parallelism: 1, monitor: 120s}
                    x-slipway:
                      route: {port: %d, targetPort: 8080}
                      release: %s
                """.formatted(image, port, release);
    }

    private static boolean answers(int port, String body) {
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = Http.get("http://127.0.0.1:" + port + "/");
            if (r == null || r.statusCode() != 200 || !r.body().contains(body)) {
                return false;
            }
        }
        return true;
    }

    /** The release's events as the store has them: "id type" per event, from the non-following event list. */
    private static List<String> stored(RunnerFixture fixture, String release) throws Exception {
        List<String> out = new ArrayList<>();
        String id = null;
        for (String l : Http.send("GET", fixture.runner().url() + "/api/v1/releases/" + release + "/events",
                fixture.runner().token(), null).body().lines().toList()) {
            if (l.startsWith("id: ")) {
                id = l.substring(4).trim();
            } else if (l.startsWith("event: ")) {
                out.add(id + " " + l.substring(7).trim());
            }
        }
        return out;
    }

    private static List<Integer> ids(List<String> lines) {
        return lines.stream().map(l -> Integer.parseInt(l.substring(0, l.indexOf(' ')))).toList();
    }

    private static String type(String line) {
        return line.substring(line.indexOf(' ') + 1);
    }

    /** Follows a release's event stream from after {@code lastId}, as a client reconnecting with Last-Event-ID. */
    private static final class Follower implements AutoCloseable {
        private final List<ReleaseEvent> list = new CopyOnWriteArrayList<>();
        private final RunnerClient.EventSubscription sub;
        private final long from;

        Follower(RunnerClient client, String release, long lastId) {
            this.from = lastId;
            sub = client.subscribe(release, lastId, list::add, e -> { });
        }

        int size() {
            return list.size();
        }

        boolean ended() {
            return list.stream().anyMatch(e -> TERMINAL.contains(e.type()));
        }

        long lastId() {
            return list.isEmpty() ? from : list.get(list.size() - 1).id();
        }

        List<String> lines() {
            return list.stream().map(e -> e.id() + " " + e.type()).toList();
        }

        List<String> stepMessages() {
            return new ArrayList<>(list.stream().filter(e -> e.type().equals("StepStarted")).map(ReleaseEvent::message)
                    .toList());
        }

        @Override
        public void close() {
            sub.close();
        }
    }
}
