package io.jenkins.plugins.slipway.runner.tasks;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.jenkins.plugins.slipway.runner.client.TaskStatus;
import io.jenkins.plugins.slipway.runner.engine.TaskEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** One task the runner runs or ran: what it was asked, where it stands, and its log. */
public final class Task {
    /** Where a task stands; the wire names are the constants' names. */
    public enum State {
        Starting, Running, Succeeded, Failed, Stopped, TimedOut;

        public boolean isDone() {
            return this != Starting && this != Running;
        }
    }

    private final String id;
    private final String image;
    private final List<String> command;
    private final List<String> envNames;
    private final Duration timeout;
    private final Duration stopGrace;
    private final Instant startedAt;
    private final TaskLog log = new TaskLog();
    private State state = State.Starting;
    private Integer exitCode;
    private String message;
    private Instant endedAt;
    /** Why it is being stopped (a person, the timeout), or null while nobody stops it. */
    private State stopAs;
    private String stopReason;
    private TaskEngine.TaskContainer container;

    Task(String id, String image, List<String> command, List<String> envNames, Duration timeout, Duration stopGrace,
         Instant startedAt) {
        this.id = id;
        this.image = image;
        this.command = List.copyOf(command);
        this.envNames = List.copyOf(envNames);
        this.timeout = timeout;
        this.stopGrace = stopGrace;
        this.startedAt = startedAt;
    }

    public String id() {
        return id;
    }

    public TaskLog log() {
        return log;
    }

    Duration timeout() {
        return timeout;
    }

    Duration stopGrace() {
        return stopGrace;
    }

    public synchronized State state() {
        return state;
    }

    synchronized @CheckForNull Instant endedAt() {
        return endedAt;
    }

    synchronized @CheckForNull TaskEngine.TaskContainer container() {
        return container;
    }

    /** The container runs; answers whether a stop was asked for meanwhile. */
    synchronized boolean running(TaskEngine.TaskContainer started) {
        container = started;
        if (state == State.Starting) {
            state = State.Running;
        }
        return stopAs != null;
    }

    /**
     * Records that the task is to be stopped, as {@code as} ({@link State#Stopped} or {@link State#TimedOut});
     * the first reason wins.
     *
     * @return whether it was still going (a stop is needed)
     */
    synchronized boolean stopping(State as, String reason) {
        if (state.isDone()) {
            return false;
        }
        if (stopAs == null) {
            stopAs = as;
            stopReason = reason;
        }
        return true;
    }

    /** The container ended with {@code code}: the state follows from it and from a stop asked for. */
    synchronized void exited(int code, Instant at) {
        exitCode = code;
        if (stopAs != null) {
            state = stopAs;
            message = stopReason + " (exit code " + code + ")";
        } else {
            state = code == 0 ? State.Succeeded : State.Failed;
            message = "exited with code " + code;
        }
        endedAt = at;
    }

    /** The task could not run, or the engine lost it. */
    synchronized void failed(String why, Instant at) {
        state = stopAs != null && container == null ? stopAs : State.Failed;
        message = why;
        endedAt = at;
    }

    public TaskStatus status() {
        // The log's size is read outside this lock: the log tells its readers of the end under its own lock, and
        // they ask for this status then.
        long lines = log.size();
        synchronized (this) {
            return new TaskStatus(id, image, command, envNames, state.name(), exitCode, message, startedAt.toString(),
                    endedAt == null ? null : endedAt.toString(), lines);
        }
    }
}
