package io.jenkins.plugins.slipway.runner.it.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.DeployResponse;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.runner.client.TaskLine;
import io.jenkins.plugins.slipway.runner.client.TaskStatus;
import io.jenkins.plugins.slipway.runner.it.Apps;
import io.jenkins.plugins.slipway.runner.it.Docker;
import io.jenkins.plugins.slipway.runner.it.Http;
import io.jenkins.plugins.slipway.runner.it.LoadLoop;
import io.jenkins.plugins.slipway.runner.it.RunnerFixture;
import io.jenkins.plugins.slipway.runner.it.RunnerProcess;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Release hooks on the real engine through a real runner: a {@code beforeRelease} migration that fails stops the
 * release with nothing shifted while the app keeps answering from its old revision; one that succeeds writes a
 * marker into a named volume the new revision serves, before the traffic moves; and a
 * {@code service_completed_successfully} dependency runs as a task on the app's network, reaching {@code db} by
 * name, before its dependant starts.
 */
class ReleaseHooksIT {
    private static final String APP = "it-hooks";
    private static final String DEPS = "it-hooks-deps";
    private static final String AFTER = "it-hooks-after";
    /** Generous: beside stress-ng a release of one replica takes tens of seconds. */
    private static final Duration RELEASE = Duration.ofSeconds(240);
    private static final Pattern TASK_ID = Pattern.compile("\"taskId\":\"([0-9a-f]+)\"");
    private static RunnerFixture fixture;
    private static RunnerClient client;

    @BeforeAll
    static void start() throws Exception {
        fixture = RunnerFixture.start("hooks", List.of(APP, DEPS, AFTER), "v1", "v2");
        client = fixture.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** web v2 behind the route, reading volume {@code marks}, and a beforeRelease {@code migrate} running script. */
    private static String withMigration(int port, String script) {
        return """
                services:
                  web:
                    image: %s
                    stop_grace_period: 1s
                    volumes: ["marks:/www/marks:ro"]
                    x-slipway:
                      route: {port: %d, targetPort: 8080}
                  migrate:
                    image: %s
                    command: ["sh", "-c", %s]
                    volumes: ["marks:/www/marks"]
                    x-slipway:
                      task: {when: beforeRelease, timeout: 2m}
                volumes:
                  marks: {}
                """.formatted(fixture.image("v2"), port, fixture.image("v2"), quoted(script));
    }

    @Test
    void aFailedMigrationShiftsNothingAndAGoodOneRunsBeforeTheTrafficMoves() throws Exception {
        int port = RunnerProcess.freePort(24900, 24999);
        DeployResponse first = deploy(APP, Apps.web(fixture.image("v1"), 1, port, "", ""));
        assertThat(Apps.awaitEnd(client, first.release(), RELEASE).phase()).isEqualTo(Phase.Succeeded);

        DeployResponse failing;
        ReleaseStatus failed;
        try (LoadLoop load = new LoadLoop(port, 2, 20_000, RELEASE.plusSeconds(30))) {
            failing = deploy(APP, withMigration(port, "echo migrating; echo 'schema v2 refused' >&2; exit 1"));
            failed = Apps.awaitEnd(client, failing.release(), RELEASE);
            await("requests after the failed release").atMost(Duration.ofSeconds(60))
                    .until(() -> load.requests() >= 50);
            load.close();
            System.out.println("ReleaseHooksIT: failed migration under load: " + load.requests() + " requests, "
                    + load.failures().size() + " failed, answered by " + load.bodies());
            assertThat(load.failures()).as("failed requests").isEmpty();
            assertThat(load.bodies()).as("who answered").containsOnlyKeys("version v1");
        }
        assertThat(failed.phase()).isEqualTo(Phase.Failed);
        assertThat(failed.message()).contains("hook migrate (beforeRelease) exited with code 1", "schema v2 refused",
                "nothing was shifted", "revision 1 keeps serving");
        String events = events(failing.release());
        assertThat(events).contains("event: HookStarted", "event: HookEnded", "event: ReleaseFailed")
                .doesNotContain("event: TrafficShifted", "event: ReplicaStarted");
        assertThat(events.indexOf("event: HookEnded")).isLessThan(events.indexOf("event: ReleaseFailed"));
        assertThat(client.app(APP).revision()).isEqualTo(first.revision());
        await("nothing of the failed revision left").atMost(Duration.ofSeconds(60))
                .until(() -> Docker.containers(APP).equals(List.of("slipway-it-hooks-web-1-1 1 running")));
        assertThat(taskLog(taskId(events))).contains("migrating", "schema v2 refused");

        DeployResponse good;
        ReleaseStatus succeeded;
        try (LoadLoop load = new LoadLoop(port, 2, 20_000, RELEASE.plusSeconds(30))) {
            good = deploy(APP, withMigration(port, "echo migrated at revision 3 > /www/marks/marker; echo done"));
            succeeded = Apps.awaitEnd(client, good.release(), RELEASE);
            load.close();
            System.out.println("ReleaseHooksIT: good migration under load: " + load.requests() + " requests, "
                    + load.failures().size() + " failed, answered by " + load.bodies());
            assertThat(load.failures()).as("failed requests").isEmpty();
            assertThat(load.bodies()).as("who answered").containsKey("version v2");
        }
        assertThat(succeeded.phase()).as(succeeded.message()).isEqualTo(Phase.Succeeded);
        HttpResponse<String> marker = Http.get("http://127.0.0.1:" + port + "/marks/marker");
        assertThat(marker).isNotNull();
        assertThat(marker.body()).isEqualTo("migrated at revision 3\n");
        String goodEvents = events(good.release());
        assertThat(goodEvents.indexOf("event: HookEnded")).as(goodEvents).isPositive()
                .isLessThan(goodEvents.indexOf("event: ReplicaStarted"))
                .isLessThan(goodEvents.indexOf("event: TrafficShifted"));
        assertThat(goodEvents).contains("exited with code 0");
        String goodTask = "slipway-task-" + taskId(goodEvents);
        await("the migration's container removed").atMost(Duration.ofSeconds(60)).until(() -> !Docker.run("ps", "-a",
                "--filter", "label=io.slipway.task", "--format", "{{.Names}}").contains(goodTask));
    }

    @Test
    void aServiceCompletedSuccessfullyDependencyRunsOnTheAppsNetworkBeforeItsDependant() throws Exception {
        int port = RunnerProcess.freePort(24900, 24999);
        String compose = """
                services:
                  web:
                    image: %s
                    stop_grace_period: 1s
                    depends_on:
                      migrate: {condition: service_completed_successfully}
                    x-slipway:
                      route: {port: %d, targetPort: 8080}
                  migrate:
                    image: %s
                    command: ["sh", "-c", "busybox wget -q -O- http://db:8080/ && echo migrated"]
                    depends_on:
                      db: {condition: service_healthy}
                  db:
                    image: %s
                    stop_grace_period: 1s
                    healthcheck:
                      test: ["CMD", "/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/health"]
                      interval: 1s
                      timeout: 5s
                      retries: 3
                """.formatted(fixture.image("v2"), port, fixture.image("v2"), fixture.image("v1"));
        DeployResponse first = deploy(DEPS, compose);
        ReleaseStatus end = Apps.awaitEnd(client, first.release(), RELEASE);
        String events = events(first.release());
        assertThat(end.phase()).as(events).isEqualTo(Phase.Succeeded);
        int waits = events.indexOf("event: HookWaiting");
        int started = events.indexOf("event: HookStarted");
        int ended = events.indexOf("event: HookEnded");
        int web = events.indexOf("replica web-");
        assertThat(waits).as(events).isPositive().isLessThan(started);
        assertThat(events.substring(waits, started)).contains("hook migrate (service_completed_successfully) waits for db (service_healthy)");
        assertThat(ended).as(events).isGreaterThan(started).isLessThan(web);
        assertThat(events.substring(ended, web)).contains("exited with code 0");
        assertThat(taskLog(taskId(events))).containsExactly("version v1", "migrated");
        assertThat(Http.get("http://127.0.0.1:" + port + "/").body()).isEqualTo("version v2\n");
        assertThat(Docker.containers(DEPS)).as("migrate runs no replica")
                .noneMatch(c -> c.startsWith("slipway-it-hooks-deps-migrate"));
    }

    @Test
    void aFailedAfterReleaseHookFailsTheReleaseWithTheNewRevisionServing() throws Exception {
        int port = RunnerProcess.freePort(24900, 24999);
        DeployResponse first = deploy(AFTER, Apps.web(fixture.image("v1"), 1, port, "", ""));
        assertThat(Apps.awaitEnd(client, first.release(), RELEASE).phase()).isEqualTo(Phase.Succeeded);

        DeployResponse second = deploy(AFTER, Apps.web(fixture.image("v2"), 1, port, "", "") + """
                  notify:
                    image: %s
                    command: ["sh", "-c", "echo notifying the shop; exit 3"]
                    x-slipway:
                      task: {when: afterRelease}
                """.formatted(fixture.image("v2")));
        ReleaseStatus end = Apps.awaitEnd(client, second.release(), RELEASE);
        String events = events(second.release());

        assertThat(end.phase()).as(events).isEqualTo(Phase.Failed);
        assertThat(end.message()).contains("hook notify (afterRelease) exited with code 3", "notifying the shop",
                "revision " + second.revision() + " carries all the traffic");
        assertThat(events.lastIndexOf("event: TrafficShifted")).as(events).isPositive()
                .isLessThan(events.indexOf("event: HookStarted"));
        assertThat(client.app(AFTER).revision()).isEqualTo(second.revision());
        assertThat(Http.get("http://127.0.0.1:" + port + "/").body()).isEqualTo("version v2\n");
    }

    private static DeployResponse deploy(String app, String compose) {
        return client.deploy(app, new DeployRequest(compose, Map.of(), null));
    }

    /** The release's events as the event stream replays them once it has ended. */
    private static String events(String release) throws Exception {
        return Http.send("GET", fixture.runner().url() + "/api/v1/releases/" + release + "/events",
                fixture.runner().token(), null).body();
    }

    /** The id of the first task the events name. */
    private static String taskId(String events) {
        Matcher m = TASK_ID.matcher(events);
        assertThat(m.find()).as("a task id in " + events).isTrue();
        return m.group(1);
    }

    /** A task's log lines, read through the tasks API. */
    private static List<String> taskLog(String taskId) throws Exception {
        List<TaskLine> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<TaskStatus> end = new CompletableFuture<>();
        client.followTask(taskId, 0, lines::add, end::complete, failure -> {
            if (failure != null) {
                end.completeExceptionally(failure);
            }
        });
        end.get(60, TimeUnit.SECONDS);
        return lines.stream().map(TaskLine::text).toList();
    }

    private static String quoted(String script) {
        return "\"" + script.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
