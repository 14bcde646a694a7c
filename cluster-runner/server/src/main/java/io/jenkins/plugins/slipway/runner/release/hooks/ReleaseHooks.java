package io.jenkins.plugins.slipway.runner.release.hooks;

import io.jenkins.plugins.slipway.runner.client.EventTypes;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.TaskLine;
import io.jenkins.plugins.slipway.runner.client.TaskStatus;
import io.jenkins.plugins.slipway.runner.compose.OneShot;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.engine.TaskSpec;
import io.jenkins.plugins.slipway.runner.release.ReleaseContext;
import io.jenkins.plugins.slipway.runner.release.spec.Durations;
import io.jenkins.plugins.slipway.runner.tasks.Task;
import io.jenkins.plugins.slipway.runner.tasks.Tasks;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The release step that runs an app's one-shot services ({@link HookPlan}) as tasks, one after another, each once
 * its dependencies are met. The ones due before the release go first: until they have all exited 0 the strategy
 * does not act, so a failed one ends the release with nothing shifted (the services started for a hook's
 * dependencies are removed again) and the revision that served keeps serving. The ones due after run once the
 * strategy has moved all the traffic ({@link #holdsSuccess}); a failed one ends the release Failed with the new
 * revision still serving, as Helm's post-upgrade hooks do: its old replicas are gone by then, and moving the
 * traffic back onto replicas that must first start again would drop requests, so going back is a rollback the
 * user asks for. The events say when each hook starts, what it waits for, its exit code and how long it took,
 * with its task's id: its log stays readable through the tasks API for the runner's task retention.
 */
public final class ReleaseHooks {
    /** Lines of a failed hook's log its release's message and event quote. */
    static final int LOG_LINES = 10;
    private static final int LINE_CHARS = 300;

    private final Tasks tasks;

    public ReleaseHooks(Tasks tasks) {
        this.tasks = tasks;
    }

    /** Runs the hooks due before the release changes anything; true once the strategy may act in this pass. */
    public boolean reconcileBefore(ReleaseContext ctx) {
        HookPlan plan = HookPlan.of(ctx.toSpec());
        HookProgress h = ctx.progress().hooks;
        if (plan.isEmpty() || h != null && h.stage == HookProgress.Stage.Release) {
            return true;
        }
        if (h == null) {
            h = new HookProgress();
            ctx.progress().hooks = h;
        }
        if (h.stage != HookProgress.Stage.Before) {
            return false;
        }
        if (ctx.abortReason() != null) {
            stopTask(h, "the release was aborted");
            endBefore(ctx, Phase.Aborted, EventTypes.RELEASE_ABORTED, ctx.abortReason()
                    + " (while its beforeRelease hooks ran)", Map.of());
            return false;
        }
        while (h.next < plan.before().size()) {
            if (!hookDone(ctx, h, plan.before().get(h.next))) {
                return false;
            }
            advance(h);
        }
        h.stage = HookProgress.Stage.Release;
        h.next = 0;
        return true;
    }

    /**
     * Called by a strategy whose release has moved all the traffic: whether afterRelease hooks must run before the
     * release succeeds. The release then waits for {@link #reconcileAfter}.
     */
    public static boolean holdsSuccess(ReleaseContext ctx) {
        HookPlan plan = HookPlan.of(ctx.toSpec());
        HookProgress h = ctx.progress().hooks;
        if (plan.after().isEmpty() || h != null && h.stage == HookProgress.Stage.Done) {
            return false;
        }
        if (h == null) {
            h = new HookProgress();
            ctx.progress().hooks = h;
        }
        if (h.stage != HookProgress.Stage.After) {
            h.stage = HookProgress.Stage.After;
            h.next = 0;
            h.taskId = null;
            h.since = null;
            ctx.message("revision " + ctx.to().revision() + " carries all the traffic; afterRelease hooks: "
                    + String.join(", ", plan.after()));
        }
        return true;
    }

    /** Runs the hooks due once the new revision carries all the traffic; the release succeeds after the last. */
    public void reconcileAfter(ReleaseContext ctx) {
        HookProgress h = ctx.progress().hooks;
        if (h == null || h.stage != HookProgress.Stage.After || ctx.phase().isTerminal()) {
            return;
        }
        if (ctx.abortReason() != null) {
            stopTask(h, "the release was aborted");
            end(ctx, Phase.Aborted, EventTypes.RELEASE_ABORTED, ctx.abortReason()
                    + " (while its afterRelease hooks ran); revision " + ctx.to().revision() + " carries all the traffic", Map.of());
            return;
        }
        List<String> after = HookPlan.of(ctx.toSpec()).after();
        while (h.next < after.size()) {
            if (!hookDone(ctx, h, after.get(h.next))) {
                return;
            }
            advance(h);
        }
        h.stage = HookProgress.Stage.Done;
        ctx.succeed();
    }

    /** On to the next hook of the stage. */
    private static void advance(HookProgress h) {
        h.next++;
        h.taskId = null;
        h.since = null;
    }

    /** Works on one hook; true once it exited 0. A hook that failed has ended the release. */
    private boolean hookDone(ReleaseContext ctx, HookProgress h, String service) {
        ServiceSpec spec = ctx.toSpec().services().get(service);
        OneShot runs = spec.oneShot();
        String name = "hook " + service + " (" + runs.when().composeName() + ")";
        if (h.taskId == null) {
            return startWhenReady(ctx, h, spec, name);
        }
        Task task = tasks.find(h.taskId).orElse(null);
        if (task == null) {
            fail(ctx, name + ": the runner no longer knows its task " + h.taskId + " (it restarted while the hook"
                    + " ran, or the task's retention ran out), so whether it completed is unknown",
                    failure(service, h.taskId, null, List.of()));
            return false;
        }
        if (!task.state().isDone()) {
            return false;
        }
        TaskStatus status = task.status();
        Duration took = Duration.between(Instant.parse(status.startedAt()), Instant.parse(status.endedAt()));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("service", service);
        data.put("when", runs.when().composeName());
        data.put("taskId", task.id());
        data.put("state", status.state());
        data.put("exitCode", status.exitCode());
        data.put("durationMs", took.toMillis());
        ctx.event(EventTypes.HOOK_ENDED, name + " " + status.message() + " after " + Durations.human(took)
                + " (task " + task.id() + ")", data);
        if (task.state() == Task.State.Succeeded) {
            return true;
        }
        List<String> lines = lastLines(task);
        fail(ctx, name + " " + status.message() + " after " + Durations.human(took) + " (task " + task.id()
                + (lines.isEmpty() ? ", no output" : "; last lines of its log: " + String.join(" | ", lines)) + ")",
                failure(service, task.id(), status.exitCode(), lines));
        return false;
    }

    /** Starts the hook's task once its dependencies are met; false meanwhile, or when it could not start. */
    private boolean startWhenReady(ReleaseContext ctx, HookProgress h, ServiceSpec spec, String name) {
        boolean first = h.since == null;
        if (first) {
            h.since = ctx.now();
        }
        Duration timeout = spec.oneShot().timeout();
        Duration waited = Duration.ofMillis(ctx.now() - ctx.healthWaitStart(h.since));
        List<String> unmet = HookDependencies.unmet(ctx, spec);
        if (!unmet.isEmpty()) {
            String waiting = String.join(", ", unmet);
            if (waited.compareTo(timeout) >= 0) {
                fail(ctx, name + " did not start: its dependencies " + waiting + " were not ready within its timeout "
                        + Durations.human(timeout), failure(spec.name(), null, null, List.of()));
                return false;
            }
            ctx.message(name + " waits for " + waiting);
            if (first) {
                ctx.event(EventTypes.HOOK_WAITING, name + " waits for " + waiting,
                        Map.of("service", spec.name(), "waitsFor", unmet));
            }
            return false;
        }
        Task task;
        try {
            task = tasks.run(new TaskSpec.AppService(ctx.app(), ctx.to().serviceRevisions().get(spec.name()), spec,
                    ctx.toSpec().resources()), timeout.minus(waited).compareTo(Duration.ofSeconds(1)) < 0
                    ? Duration.ofSeconds(1) : timeout.minus(waited));
        } catch (RuntimeException e) {
            fail(ctx, name + " could not start: " + e.getMessage(), failure(spec.name(), null, null, List.of()));
            return false;
        }
        h.taskId = task.id();
        ctx.message(name + " running as task " + task.id());
        ctx.event(EventTypes.HOOK_STARTED, name + " started: task " + task.id() + " runs " + spec.image()
                + " (timeout " + Durations.human(timeout) + ")", Map.of("service", spec.name(),
                "when", spec.oneShot().when().composeName(), "taskId", task.id(), "timeoutMs", timeout.toMillis()));
        return false;
    }

    /** Ends the release for a failed hook, before or after the traffic moved. */
    private static void fail(ReleaseContext ctx, String reason, Map<String, Object> data) {
        HookProgress h = ctx.progress().hooks;
        if (h.stage == HookProgress.Stage.Before) {
            endBefore(ctx, Phase.Failed, EventTypes.RELEASE_FAILED, reason, data);
        } else {
            end(ctx, Phase.Failed, EventTypes.RELEASE_FAILED, reason + "; revision " + ctx.to().revision()
                    + " carries all the traffic, as it did before the hook ran (to go back: POST /api/v1/apps/"
                    + ctx.app() + "/rollback)", data);
        }
    }

    /**
     * Ends a release whose hooks stopped it before anything was shifted: the services started for a hook's
     * dependencies go away again, and the revision that served goes on serving.
     */
    private static void endBefore(ReleaseContext ctx, Phase phase, String type, String reason, Map<String, Object> data) {
        ctx.replaceSets(ctx.progress().original);
        if (ctx.from() != null) {
            ctx.serveRevision(ctx.from().revision());
        }
        ctx.canaryWeight(0);
        end(ctx, phase, type, reason + "; nothing was shifted, " + (ctx.from() == null
                ? "nothing of revision " + ctx.to().revision() + " is left running"
                : "revision " + ctx.from().revision() + " keeps serving"), data);
    }

    private static void end(ReleaseContext ctx, Phase phase, String type, String reason, Map<String, Object> data) {
        String text = "release " + ctx.release().id() + (phase == Phase.Aborted ? " aborted: " : " failed: ") + reason;
        ctx.phase(phase, text);
        Map<String, Object> all = new LinkedHashMap<>(data);
        all.put("reason", reason);
        ctx.event(type, text, all);
    }

    private void stopTask(HookProgress h, String why) {
        if (h.taskId != null) {
            tasks.find(h.taskId).ifPresent(t -> tasks.stop(t, why));
        }
    }

    private static Map<String, Object> failure(String service, String taskId, Integer exitCode, List<String> log) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("hook", service);
        if (taskId != null) {
            data.put("taskId", taskId);
        }
        if (exitCode != null) {
            data.put("exitCode", exitCode);
        }
        data.put("log", log);
        return data;
    }

    /** The last lines of a task's log, each cut to a length an event can carry. */
    private static List<String> lastLines(Task task) {
        List<TaskLine> lines = task.log().lines();
        return lines.subList(Math.max(0, lines.size() - LOG_LINES), lines.size()).stream()
                .map(l -> l.text().length() > LINE_CHARS ? l.text().substring(0, LINE_CHARS) + "..." : l.text())
                .toList();
    }
}
