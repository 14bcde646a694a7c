package io.jenkins.plugins.slipway.testing;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.File;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jenkinsci.plugins.workflow.steps.BodyInvoker;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * A StepContext as a pipeline gives one, for running step executions in a plain JVM test: a {@link TestRun},
 * a {@link CapturingListener}, a workspace {@link FilePath} and {@link EnvVars}; anything else can be added
 * with {@link #with}. The step's outcome lands in {@link #outcome()}.
 *
 * <pre>{@code
 * TestStepContext ctx = TestStepContext.in(tempDir).env("GIT_COMMIT", "abc");
 * Object result = ctx.run(step, Duration.ofMinutes(2));   // start(), wait for onSuccess, or throw the failure
 * assertThat(ctx.log()).contains("...");
 * }</pre>
 */
public final class TestStepContext extends StepContext {
    private static final long serialVersionUID = 1L;

    private final transient Map<Class<?>, Object> services = new HashMap<>();
    private final transient CompletableFuture<Object> outcome = new CompletableFuture<>();
    private final transient AtomicInteger savedStates = new AtomicInteger();
    private final transient Map<Class<?>, Set<Thread>> askedOn = new ConcurrentHashMap<>();
    private final transient TestRun run;
    private final transient CapturingListener listener = new CapturingListener();
    private final transient EnvVars env = new EnvVars();
    private volatile Result result;

    private TestStepContext(TestRun run, File workspace) {
        this.run = run;
        services.put(Run.class, run);
        services.put(TaskListener.class, listener);
        services.put(EnvVars.class, env);
        if (workspace != null) {
            services.put(FilePath.class, new FilePath(workspace));
        }
        env.put("BUILD_NUMBER", String.valueOf(run.getNumber()));
        env.put("JOB_NAME", run.getParent().getFullName());
    }

    /** A context for build #1 of job "test" whose workspace is {@code workspace}. */
    public static TestStepContext in(File workspace) {
        return new TestStepContext(TestRun.of("test"), workspace);
    }

    /** A context with no workspace, as for a step called outside a {@code node} block. */
    public static TestStepContext withoutWorkspace() {
        return new TestStepContext(TestRun.of("test"), null);
    }

    /** Sets an environment variable the step will see. */
    public TestStepContext env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Makes {@code value} what {@code get(type)} returns (null removes it). */
    public <T> TestStepContext with(Class<T> type, T value) {
        if (value == null) {
            services.remove(type);
        } else {
            services.put(type, value);
        }
        return this;
    }

    /** Starts {@code step} in this context and waits for its outcome; a step failure is rethrown as is. */
    public Object run(Step step, Duration timeout) throws Exception {
        StepExecution execution = start(step);
        return await(execution, timeout);
    }

    /** Starts {@code step}; a synchronous failure of start() becomes the outcome, as in a pipeline. */
    public StepExecution start(Step step) throws Exception {
        StepExecution execution = step.start(this);
        try {
            execution.start();
        } catch (Exception e) {
            onFailure(e);
        }
        return execution;
    }

    /** Waits for the outcome; on timeout stops the execution (as a pipeline abort would) and fails. */
    public Object await(StepExecution execution, Duration timeout) throws Exception {
        try {
            return outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw new AssertionError(cause);
        } catch (TimeoutException e) {
            execution.stop(new InterruptedException("test timeout"));
            throw new AssertionError("step did not finish within " + timeout + "; log:\n" + log(), e);
        }
    }

    public CompletableFuture<Object> outcome() {
        return outcome;
    }

    public String log() {
        return listener.text();
    }

    public CapturingListener listener() {
        return listener;
    }

    public TestRun run() {
        return run;
    }

    public EnvVars env() {
        return env;
    }

    /** How many times the execution asked for its state to be saved. */
    public int savedStates() {
        return savedStates.get();
    }

    /** The result set with setResult, or null. */
    public Result result() {
        return result;
    }

    @Override
    public <T> T get(Class<T> key) {
        askedOn.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(Thread.currentThread());
        return key.cast(services.get(key));
    }

    /** The threads that asked this context for {@code key}: where a step touched the workspace, say. */
    public Set<Thread> threadsThatAskedFor(Class<?> key) {
        return Set.copyOf(askedOn.getOrDefault(key, Set.of()));
    }

    @Override
    public void onSuccess(Object value) {
        outcome.complete(value);
    }

    @Override
    public void onFailure(Throwable t) {
        outcome.completeExceptionally(t);
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public ListenableFuture<Void> saveState() {
        savedStates.incrementAndGet();
        return Futures.immediateFuture(null);
    }

    @Override
    public void setResult(Result r) {
        run.setResult(r);
        this.result = r;
    }

    @Override
    public BodyInvoker newBodyInvoker() {
        throw new IllegalStateException("Slipway's steps take no body");
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
