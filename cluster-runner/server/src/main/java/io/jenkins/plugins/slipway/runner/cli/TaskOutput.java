package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.runner.client.RunnerException;
import io.jenkins.plugins.slipway.runner.client.TaskLine;
import io.jenkins.plugins.slipway.runner.client.TaskStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Prints a task's log as the runner streams it (its stdout lines to {@code out}, its stderr lines to
 * {@code err}) until the task ended, following again from the last line printed when the stream drops.
 */
final class TaskOutput {
    private static final int MAX_RECONNECTS = 10;

    private final RunnerClient client;
    private final PrintWriter out;
    private final PrintWriter err;
    private final CompletableFuture<TaskStatus> end = new CompletableFuture<>();
    private volatile long lastLine;
    private int reconnects;

    TaskOutput(RunnerClient client, PrintWriter out, PrintWriter err) {
        this.client = client;
        this.out = out;
        this.err = err;
    }

    /** Prints the task's log from its first line and answers its final status. */
    TaskStatus follow(String taskId) throws InterruptedException {
        subscribe(taskId);
        try {
            return end.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private void subscribe(String taskId) {
        client.followTask(taskId, lastLine, this::print, end::complete, failure -> {
            if (failure == null || end.isDone()) {
                return;
            }
            if (failure instanceof RunnerException refused && refused.status() / 100 == 4) {
                // No such task (never, or forgotten), or not allowed: asking again will not change that.
                end.completeExceptionally(refused);
                return;
            }
            if (++reconnects > MAX_RECONNECTS) {
                end.completeExceptionally(new IllegalStateException("lost the log stream of task " + taskId + " "
                        + MAX_RECONNECTS + " times: " + failure.getMessage()));
                return;
            }
            CompletableFuture.delayedExecutor(Duration.ofSeconds(1).toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> subscribe(taskId));
        });
    }

    private void print(TaskLine line) {
        if (line.id() <= lastLine) {
            return;
        }
        lastLine = line.id();
        PrintWriter to = "stderr".equals(line.stream()) ? err : out;
        to.println(line.text());
        to.flush();
    }
}
