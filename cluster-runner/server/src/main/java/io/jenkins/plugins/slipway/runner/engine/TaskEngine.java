package io.jenkins.plugins.slipway.runner.engine;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Runs tasks: containers that run to completion, whose output is followed as it is written and whose exit code
 * is the result. The local Docker engine runs a container; a Swarm engine would run a one-replica service
 * without restarts, a Kubernetes engine a pod that never restarts. Every task container carries this runner's
 * {@link Labels#RUNNER} and {@link Labels#TASK} labels.
 */
public interface TaskEngine {

    /**
     * Creates and starts the task's container (pulling its image when needed) and follows its output from its
     * first byte: {@code output} is called as the engine delivers it, on an engine thread, in order per stream.
     *
     * @throws EngineException when the engine refuses (no such image, bad command); nothing is left behind then
     */
    TaskContainer start(TaskSpec spec, Output output);

    /**
     * Removes every task container of this runner, running or not: the ones a runner that stopped left behind.
     * Called once when the runner starts, before any task of its own exists.
     *
     * @return how many were removed
     */
    int removeAll();

    /** Where a task's output goes. */
    @FunctionalInterface
    interface Output {
        /** A piece of output as the engine delivered it: not split into lines, not necessarily whole UTF-8. */
        void write(boolean stderr, byte[] bytes);
    }

    /** A task container that was started. */
    interface TaskContainer {
        /** The engine's id of the container. */
        String id();

        /**
         * Completes with the exit code once the container ended and all its output reached {@link Output}, or
         * exceptionally with an {@link EngineException} when the engine lost it.
         */
        CompletableFuture<Integer> exit();

        /**
         * Sends SIGTERM, then SIGKILL when the container has not exited after {@code grace}. Returns once it
         * exited (bounded by {@code grace} plus the engine's call deadline). Exited already is not an error.
         */
        void stop(Duration grace);

        /** Removes the container; absent is not an error. */
        void remove();
    }
}
