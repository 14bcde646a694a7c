package io.jenkins.plugins.slipway.runner.it.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.client.HttpRunnerClient;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.runner.client.RunnerException;
import io.jenkins.plugins.slipway.runner.client.TaskLine;
import io.jenkins.plugins.slipway.runner.client.TaskRequest;
import io.jenkins.plugins.slipway.runner.client.TaskStatus;
import io.jenkins.plugins.slipway.runner.client.Tokens;
import io.jenkins.plugins.slipway.runner.it.Cli;
import io.jenkins.plugins.slipway.runner.it.Docker;
import io.jenkins.plugins.slipway.runner.it.RunnerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tasks on the real engine through a real runner: output streamed in order with its exit code, stops by SIGTERM
 * and by SIGKILL after the grace, the timeout, containers removed, the retention, bad requests, and the CLI.
 */
class TaskIT {
    /** Long enough for a CLI started after a task ended to read its log on a busy machine. */
    private static final Duration RETENTION = Duration.ofSeconds(20);
    private static final Duration END = Duration.ofSeconds(90);
    private static RunnerProcess runner;
    private static RunnerClient client;
    private static String image;

    @BeforeAll
    static void start() throws Exception {
        image = Docker.image("task", true);
        runner = RunnerProcess.start("tasks", RunnerProcess.API_PORTS_FROM, RunnerProcess.API_PORTS_TO,
                List.of("--task-retention", RETENTION.toSeconds() + "s"));
        client = runner.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (runner != null) {
            runner.close();
        }
    }

    private static TaskRequest sh(String script, Map<String, String> env, Integer timeout, Integer grace) {
        return new TaskRequest(image, List.of("sh", "-c", script), env, timeout, grace);
    }

    /** Follows the task's log from the start; the future completes with the end event's status. */
    private static CompletableFuture<TaskStatus> follow(String id, List<TaskLine> lines) {
        CompletableFuture<TaskStatus> end = new CompletableFuture<>();
        client.followTask(id, 0, lines::add, end::complete, failure -> {
            if (failure != null) {
                end.completeExceptionally(failure);
            }
        });
        return end;
    }

    @Test
    void streamsTheOutputInOrderAndKeepsTheExitCodeThenRemovesTheContainer() throws Exception {
        TaskStatus started = client.runTask(sh("i=1; while [ $i -le 5 ]; do echo out $i; echo err $i >&2;"
                + " sleep 0.2; i=$((i+1)); done; printf 'no newline'; exit 3", Map.of(), 60, null));
        assertThat(started.state()).isIn("Starting", "Running");
        List<TaskLine> lines = new CopyOnWriteArrayList<>();
        TaskStatus end = follow(started.id(), lines).get(END.toSeconds(), TimeUnit.SECONDS);

        assertThat(end.state()).isEqualTo("Failed");
        assertThat(end.exitCode()).isEqualTo(3);
        assertThat(lines.stream().filter(l -> l.stream().equals("stdout")).map(TaskLine::text))
                .containsExactly("out 1", "out 2", "out 3", "out 4", "out 5", "no newline");
        assertThat(lines.stream().filter(l -> l.stream().equals("stderr")).map(TaskLine::text))
                .containsExactly("err 1", "err 2", "err 3", "err 4", "err 5");
        assertThat(lines).extracting(TaskLine::id).isSorted().doesNotHaveDuplicates();
        assertThat(client.task(started.id()).exitCode()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(30)).until(() -> containersOf(started.id()).isEmpty());

        // A reader that comes late gets the same log, from any line on.
        List<TaskLine> again = new CopyOnWriteArrayList<>();
        CompletableFuture<TaskStatus> end2 = new CompletableFuture<>();
        client.followTask(started.id(), 4, again::add, end2::complete, f -> { });
        assertThat(end2.get(30, TimeUnit.SECONDS).exitCode()).isEqualTo(3);
        assertThat(again).isEqualTo(lines.subList(4, lines.size()));
    }

    @Test
    void theEnvironmentReachesTheContainerButItsValuesNeverTheAnswers() throws Exception {
        TaskStatus started = client.runTask(sh("echo \"hello $WHO\"", Map.of("WHO", "s3cret-value"), 60, null));
        assertThat(started.envNames()).containsExactly("WHO");
        List<TaskLine> lines = new CopyOnWriteArrayList<>();
        TaskStatus end = follow(started.id(), lines).get(END.toSeconds(), TimeUnit.SECONDS);
        assertThat(end.state()).isEqualTo("Succeeded");
        assertThat(end.exitCode()).isZero();
        assertThat(lines).extracting(TaskLine::text).containsExactly("hello s3cret-value");
        assertThat(get("/api/v1/tasks/" + started.id())).doesNotContain("s3cret-value");
        assertThat(runner.logText()).doesNotContain("s3cret-value");
    }

    @Test
    void aStopSendsSigtermAndTheTaskMayFinishItsWork() throws Exception {
        TaskStatus started = client.runTask(sh("trap 'echo got TERM; exit 7' TERM; echo ready;"
                + " while true; do sleep 0.2; done", Map.of(), 120, 20));
        List<TaskLine> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<TaskStatus> end = follow(started.id(), lines);
        await().atMost(END).until(() -> lines.stream().anyMatch(l -> l.text().equals("ready")));

        assertThat(client.stopTask(started.id()).id()).isEqualTo(started.id());

        TaskStatus stopped = end.get(60, TimeUnit.SECONDS);
        assertThat(stopped.state()).isEqualTo("Stopped");
        assertThat(stopped.exitCode()).isEqualTo(7);
        assertThat(stopped.message()).contains("stopped by admin");
        assertThat(lines).extracting(TaskLine::text).contains("got TERM");
        await().atMost(Duration.ofSeconds(30)).until(() -> containersOf(started.id()).isEmpty());
    }

    @Test
    void aTaskThatIgnoresSigtermIsKilledAfterItsGraceAndTheTimeoutStopsIt() throws Exception {
        long t0 = System.nanoTime();
        TaskStatus started = client.runTask(sh("trap '' TERM; echo ready; while true; do sleep 0.2; done",
                Map.of(), 3, 1));
        TaskStatus end = follow(started.id(), new CopyOnWriteArrayList<>()).get(END.toSeconds(), TimeUnit.SECONDS);
        assertThat(end.state()).isEqualTo("TimedOut");
        assertThat(end.exitCode()).isEqualTo(137);
        assertThat(end.message()).contains("timed out after 3 s");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void anEndedTaskIsForgottenAfterTheRetention() throws Exception {
        TaskStatus started = client.runTask(sh("echo bye", Map.of(), 60, null));
        follow(started.id(), new CopyOnWriteArrayList<>()).get(END.toSeconds(), TimeUnit.SECONDS);
        assertThat(client.task(started.id()).state()).isEqualTo("Succeeded");
        await().atMost(RETENTION.multipliedBy(4)).untilAsserted(() ->
                assertThatThrownBy(() -> client.task(started.id()))
                        .isInstanceOfSatisfying(RunnerException.class, e -> assertThat(e.status()).isEqualTo(404)));
    }

    @Test
    void anImageTheEngineCannotGetFailsTheTaskWithTheEnginesReason() throws Exception {
        TaskStatus started = client.runTask(new TaskRequest("127.0.0.1:5000/slipway-it/no-such-image:1", List.of(),
                Map.of(), 60, null));
        TaskStatus end = follow(started.id(), new CopyOnWriteArrayList<>()).get(END.toSeconds(), TimeUnit.SECONDS);
        assertThat(end.state()).isEqualTo("Failed");
        assertThat(end.exitCode()).isNull();
        assertThat(end.message()).contains("no-such-image");
    }

    @Test
    void aBadRequestNamesEveryWrongFieldAndStartsNothing() throws Exception {
        int before = client.tasks().size();
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(runner.url() + "/api/v1/tasks"))
                .header("Authorization", "Bearer " + runner.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"timeout\": 10, \"env\": {\"1BAD\": \"x\"},"
                        + " \"timeoutSeconds\": 0}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(400);
        ApiError error = new com.fasterxml.jackson.databind.ObjectMapper().readValue(answer.body(), ApiError.class);
        assertThat(error.problems()).extracting(ApiError.Problem::path)
                .containsExactlyInAnyOrder("timeout", "image", "env.1BAD", "timeoutSeconds");
        assertThat(client.tasks().size()).isLessThanOrEqualTo(before);
    }

    @Test
    void aTokenLimitedToSomeAppsMayNeitherRunNorReadTasks() throws Exception {
        String token = client.createToken(new Tokens.CreateRequest("shop-deployer", List.of("shop-*"), "deploy"))
                .token();
        RunnerClient limited = HttpRunnerClient.builder(runner.url()).withToken(token).build();
        int before = client.tasks().size();

        assertThatThrownBy(() -> limited.runTask(sh("echo never", Map.of(), 60, null)))
                .isInstanceOfSatisfying(RunnerException.class, e -> assertThat(e.status()).isEqualTo(403))
                .hasMessageContaining("tasks need a token for every app");
        assertThatThrownBy(limited::tasks)
                .isInstanceOfSatisfying(RunnerException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThat(client.tasks().size()).isLessThanOrEqualTo(before);
    }

    @Test
    void theCliRunsATaskPrintsItsOutputAndExitsWithItsCode() throws Exception {
        Cli run = Cli.run("run", "--url", runner.url(), "--token-file", runner.tokenFile().toString(),
                "-e", "WHO=cli", image, "sh", "-c", "echo hello $WHO; echo oops >&2; exit 4");
        assertThat(run.exit()).as(run.output()).isEqualTo(4);
        assertThat(run.stdout()).isEqualTo("hello cli\n");
        assertThat(run.stderr()).contains("oops").contains("exited with code 4");

        Cli detached = Cli.run("run", "--url", runner.url(), "--token-file", runner.tokenFile().toString(),
                "--detach", image, "sh", "-c", "echo one; echo two");
        assertThat(detached.exit()).as(detached.output()).isZero();
        String id = detached.stdout().trim();
        Cli logs = Cli.run("logs", "--url", runner.url(), "--token-file", runner.tokenFile().toString(), id);
        assertThat(logs.exit()).as(logs.output()).isZero();
        assertThat(logs.stdout()).isEqualTo("one\ntwo\n");
        assertThat(logs.stderr()).contains("Succeeded");

        Cli unknown = Cli.run("logs", "--url", runner.url(), "--token-file", runner.tokenFile().toString(), "nosuch");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.stderr()).contains("HTTP 404").contains("no task nosuch");
    }

    private static List<String> containersOf(String taskId) throws Exception {
        return Docker.run("ps", "-aq", "--filter", "label=io.slipway.task=" + taskId).lines()
                .filter(l -> !l.isBlank()).toList();
    }

    private static String get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(runner.url() + path))
                .header("Authorization", "Bearer " + runner.token()).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
