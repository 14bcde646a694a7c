package io.jenkins.plugins.slipway.runner.tasks;

import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.engine.Engine;
import io.jenkins.plugins.slipway.runner.engine.EngineException;
import io.jenkins.plugins.slipway.runner.engine.TaskEngine;
import io.jenkins.plugins.slipway.runner.engine.TaskSpec;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's tasks: one-shot containers started on the engine, stopped at their timeout or on request, their
 * containers removed as soon as they ended, and their exit code and log kept in memory for {@code retention}
 * after that. A runner that stops takes its tasks with it: the next one removes the containers they left.
 */
public final class Tasks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Tasks.class);
    private static final SecureRandom IDS = new SecureRandom();
    /** Tasks that may run at once: each holds a container and two engine streams. */
    public static final int MAX_RUNNING = 50;
    /** Ended tasks kept at most, whatever the retention: the oldest are forgotten first. */
    static final int MAX_KEPT = 500;

    /** Refused because {@link #MAX_RUNNING} tasks run already. */
    public static final class TooMany extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        TooMany() {
            super(MAX_RUNNING + " tasks run on this runner already; start this one when one of them has ended");
        }
    }

    private final Engine engine;
    private final Duration retention;
    private final Clock clock;
    private final Map<String, Task> tasks = new ConcurrentHashMap<>();
    /** Engine calls that may take long (pulls, stops with a grace): never on the API's threads. */
    private final ExecutorService work = Executors.newCachedThreadPool(daemon("slipway-task"));
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(daemon("slipway-task-timer"));

    /**
     * @param retention how long a task's exit code and log are kept after it ended
     */
    public Tasks(Engine engine, Duration retention, Clock clock) {
        this.engine = engine;
        this.retention = retention;
        this.clock = clock;
    }

    /** Removes the task containers a previous run of this runner left, and starts forgetting expired tasks. */
    public void start() {
        try {
            int removed = engine.tasks().removeAll();
            if (removed > 0) {
                LOG.info("Removed {} task container(s) a previous run of this runner left", removed);
            }
        } catch (EngineException e) {
            LOG.warn("Could not remove the task containers of a previous run: {}", e.getMessage());
        }
        long every = Math.max(1, Math.min(30, retention.toSeconds() / 2));
        timers.scheduleWithFixedDelay(this::forgetExpired, every, every, TimeUnit.SECONDS);
    }

    /**
     * Accepts a task and starts its container in the background: the answer comes before a pull finishes.
     *
     * @param environment the variables; only their names are kept beside the task
     * @throws TooMany when {@link #MAX_RUNNING} tasks run already
     */
    public Task run(String image, List<String> command, Map<String, String> environment, Duration timeout,
                    Duration stopGrace) {
        return run(image, command, environment, null, timeout, stopGrace);
    }

    /**
     * Runs a service of an app once, as a task (a one-shot service of a release): its container is set up as the
     * service's replicas are, and it is stopped with the service's {@code stop_grace_period}.
     *
     * @throws TooMany when {@link #MAX_RUNNING} tasks run already
     * @throws io.jenkins.plugins.slipway.runner.engine.EngineException when the engine does not run tasks
     */
    public Task run(TaskSpec.AppService service, Duration timeout) {
        ServiceSpec s = service.spec();
        return run(s.image(), s.command() == null ? List.of() : s.command(), s.environment(), service, timeout,
                s.stopGrace());
    }

    private synchronized Task run(String image, List<String> command, Map<String, String> environment,
                                  TaskSpec.AppService service, Duration timeout, Duration stopGrace) {
        TaskEngine taskEngine = engine.tasks();
        if (tasks.values().stream().filter(t -> !t.state().isDone()).count() >= MAX_RUNNING) {
            throw new TooMany();
        }
        forgetOldestBeyond(MAX_KEPT - 1);
        String id = HexFormat.of().formatHex(randomBytes());
        Task task = new Task(id, image, command, environment.keySet().stream().sorted().toList(), timeout,
                stopGrace, clock.instant());
        tasks.put(id, task);
        TaskSpec spec = new TaskSpec(id, image, command, environment, service);
        work.execute(() -> launch(task, taskEngine, spec));
        timers.schedule(() -> stop(task, Task.State.TimedOut, "timed out after " + human(timeout)),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
        return task;
    }

    private void launch(Task task, TaskEngine taskEngine, TaskSpec spec) {
        TaskEngine.TaskContainer container;
        try {
            container = taskEngine.start(spec, task.log()::write);
        } catch (RuntimeException e) {
            LOG.info("Task {} from {} could not start: {}", task.id(), spec.image(), e.getMessage());
            task.failed(e.getMessage(), clock.instant());
            task.log().end();
            return;
        }
        LOG.info("Task {} runs {} in container {}", task.id(), spec.image(), container.id());
        container.exit().whenComplete((code, failure) -> {
            if (failure == null) {
                task.exited(code, clock.instant());
            } else {
                task.failed(failure.getMessage(), clock.instant());
            }
            // The state is final before readers are told the log ended: their last event carries it.
            task.log().end();
            LOG.info("Task {} ended {}", task.id(), task.status().message());
            work.execute(container::remove);
        });
        if (task.running(container)) {
            work.execute(() -> stopContainer(task, container));
        }
    }

    /** The task, while it runs and for {@code retention} after it ended. */
    public Optional<Task> find(String id) {
        return Optional.ofNullable(tasks.get(id));
    }

    /** Every task kept, newest first. */
    public List<Task> all() {
        List<Task> all = new ArrayList<>(tasks.values());
        all.sort(Comparator.comparing((Task t) -> t.status().startedAt()).reversed());
        return all;
    }

    /**
     * Stops a task in the background (SIGTERM, SIGKILL after its grace). A task that has not started yet is
     * stopped as soon as its container runs; one that ended is left as it is.
     */
    public void stop(Task task, String reason) {
        stop(task, Task.State.Stopped, reason);
    }

    private void stop(Task task, Task.State as, String reason) {
        if (!task.stopping(as, reason)) {
            return;
        }
        TaskEngine.TaskContainer container = task.container();
        if (container != null) {
            work.execute(() -> stopContainer(task, container));
        }
    }

    private void stopContainer(Task task, TaskEngine.TaskContainer container) {
        try {
            LOG.info("Stopping task {} (grace {})", task.id(), human(task.stopGrace()));
            container.stop(task.stopGrace());
        } catch (RuntimeException e) {
            LOG.warn("Stopping task {} failed, removing its container: {}", task.id(), e.getMessage());
            container.remove();
        }
    }

    private void forgetExpired() {
        var now = clock.instant();
        tasks.values().removeIf(t -> t.endedAt() != null && t.endedAt().plus(retention).isBefore(now));
    }

    private void forgetOldestBeyond(int keep) {
        List<Task> ended = tasks.values().stream().filter(t -> t.endedAt() != null)
                .sorted(Comparator.comparing(Task::endedAt)).toList();
        int excess = tasks.size() - keep;
        for (int i = 0; i < excess && i < ended.size(); i++) {
            tasks.remove(ended.get(i).id());
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[6];
        IDS.nextBytes(bytes);
        return bytes;
    }

    private static String human(Duration d) {
        return d.toSeconds() % 60 == 0 && d.toSeconds() >= 60 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Removes the containers of the tasks still running: nobody would read their end. */
    @Override
    public void close() {
        timers.shutdownNow();
        for (Task t : tasks.values()) {
            TaskEngine.TaskContainer c = t.container();
            if (c != null && !t.state().isDone()) {
                c.remove();
            }
        }
        work.shutdownNow();
    }
}
