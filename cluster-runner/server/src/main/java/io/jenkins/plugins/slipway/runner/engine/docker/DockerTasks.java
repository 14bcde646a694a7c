package io.jenkins.plugins.slipway.runner.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import io.jenkins.plugins.slipway.runner.engine.EngineException;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.engine.TaskEngine;
import io.jenkins.plugins.slipway.runner.engine.TaskSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tasks on the local Docker daemon: one container each, named {@code slipway-task-<id>-<runner id>}, followed
 * through {@code docker logs --follow} from its first byte (so nothing written before the follow began is lost),
 * and its exit code read by an inspect once the log stream ended.
 * <p>
 * The log stream may stay silent for as long as the task runs, so it goes through a client of its own without
 * the short response timeout of the control calls; a task's own timeout (the runner's) bounds it instead.
 */
final class DockerTasks implements TaskEngine {
    private static final Logger LOG = LoggerFactory.getLogger(DockerTasks.class);
    /** How often the exit is looked for when the log stream ended while the container still ran. */
    private static final long EXIT_POLL_MILLIS = 500;
    /** The longest the final read of an ended task's log may take. */
    private static final long CATCH_UP_SECONDS = 30;

    private final DockerClient docker;
    private final DockerClient streams;
    private final String runnerId;
    private final Consumer<String> pull;
    /**
     * Waits for exits and reads the last of a log: blocking calls, kept off the common pool (one thread on a
     * two-core machine, where tasks ending together would wait for each other).
     */
    private final ExecutorService waiters = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "slipway-task-exit");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param docker   the client for control calls (short deadline)
     * @param streams  the client for log streams (long deadline)
     * @param runnerId the id the runner's containers carry
     * @param pull     pulls an image, with its own deadline
     */
    DockerTasks(DockerClient docker, DockerClient streams, String runnerId, Consumer<String> pull) {
        this.docker = docker;
        this.streams = streams;
        this.runnerId = runnerId;
        this.pull = pull;
    }

    @Override
    public TaskContainer start(TaskSpec spec, Output output) {
        return start(spec.id(), spec.image(), () -> create(spec), output);
    }

    /**
     * Starts a task whose container {@code create} makes (it throws {@link NotFoundException} when the image is
     * missing: the image is pulled and the container made again), and follows its output.
     */
    TaskContainer start(String taskId, String image, Supplier<String> create, Output output) {
        String id;
        try {
            id = create.get();
        } catch (NotFoundException e) {
            pull.accept(image);
            id = create.get();
        }
        try {
            docker.startContainerCmd(id).exec();
        } catch (RuntimeException e) {
            removeQuietly(id);
            throw new EngineException("starting task " + taskId + " from " + image + " failed: "
                    + DockerContainers.reason(e), e);
        }
        DockerTask task = new DockerTask(id, taskId);
        task.follow(output);
        return task;
    }

    private String create(TaskSpec spec) {
        List<String> env = new ArrayList<>();
        spec.environment().forEach((k, v) -> env.add(k + "=" + v));
        try (CreateContainerCmd cmd = docker.createContainerCmd(spec.image())) {
            cmd.withName("slipway-task-" + spec.id() + "-" + runnerId)
                    .withLabels(Map.of(Labels.RUNNER, runnerId, Labels.TASK, spec.id()))
                    .withEnv(env)
                    .withAttachStdout(false).withAttachStderr(false).withTty(false);
            if (!spec.command().isEmpty()) {
                cmd.withCmd(spec.command());
            }
            return cmd.exec().getId();
        } catch (NotFoundException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EngineException("creating task " + spec.id() + " from " + spec.image() + " failed: "
                    + DockerContainers.reason(e), e);
        }
    }

    @Override
    public int removeAll() {
        List<Container> left;
        try {
            left = docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(Labels.RUNNER, runnerId))
                    .exec();
        } catch (RuntimeException e) {
            throw new EngineException("listing task containers failed: " + DockerContainers.reason(e), e);
        }
        int removed = 0;
        for (Container c : left) {
            if (c.getLabels() != null && c.getLabels().containsKey(Labels.TASK)) {
                removeQuietly(c.getId());
                removed++;
            }
        }
        return removed;
    }

    private void removeQuietly(String id) {
        try {
            docker.removeContainerCmd(id).withForce(true).exec();
        } catch (NotFoundException e) {
            // already gone
        } catch (RuntimeException e) {
            LOG.warn("Removing task container {} failed: {}", id, DockerContainers.reason(e));
        }
    }

    /** One started task container. */
    private final class DockerTask implements TaskContainer {
        private final String id;
        private final String taskId;
        private final CompletableFuture<Integer> exit = new CompletableFuture<>();
        /** Bytes delivered so far, stdout and stderr. */
        private final long[] delivered = new long[2];
        private Output output;

        DockerTask(String id, String taskId) {
            this.id = id;
            this.taskId = taskId;
        }

        void follow(Output output) {
            this.output = output;
            ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {
                @Override
                public void onNext(Frame frame) {
                    deliver(frame);
                }

                @Override
                public void onError(Throwable throwable) {
                    LOG.warn("The log stream of task {} broke: {}", taskId, throwable.toString());
                    waiters.execute(DockerTask.this::awaitExit);
                }

                @Override
                public void onComplete() {
                    waiters.execute(DockerTask.this::awaitExit);
                }
            };
            try {
                streams.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true)
                        .withTailAll().exec(callback);
            } catch (RuntimeException e) {
                LOG.warn("Cannot follow the log of task {}: {}", taskId, DockerContainers.reason(e));
                waiters.execute(this::awaitExit);
            }
        }

        /** Hands a frame of the follow stream on, counting what each stream delivered. */
        private synchronized void deliver(Frame frame) {
            byte[] payload = frame.getPayload();
            if (payload == null || payload.length == 0) {
                return;
            }
            boolean stderr = frame.getStreamType() == StreamType.STDERR;
            delivered[stderr ? 1 : 0] += payload.length;
            output.write(stderr, payload);
        }

        /**
         * The daemon's follow stream drops a last line without a line break (docker logs -f does too): once the
         * container ended, the whole log is read again and whatever was not delivered yet goes out.
         */
        private void catchUp() throws InterruptedException {
            long[] position = new long[2];
            streams.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(false).withTailAll()
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame frame) {
                            if (frame.getPayload() == null) {
                                return;
                            }
                            int stream = frame.getStreamType() == StreamType.STDERR ? 1 : 0;
                            long at = position[stream];
                            position[stream] += frame.getPayload().length;
                            deliverFrom(frame, at);
                        }
                    }).awaitCompletion(CATCH_UP_SECONDS, TimeUnit.SECONDS);
        }

        /** Hands on the part of a frame that starts at byte {@code at} of its stream beyond what was delivered. */
        private synchronized void deliverFrom(Frame frame, long at) {
            byte[] payload = frame.getPayload();
            int stream = frame.getStreamType() == StreamType.STDERR ? 1 : 0;
            long from = delivered[stream] - at;
            if (payload.length == 0 || from >= payload.length) {
                return;
            }
            int cut = (int) Math.max(0, from);
            delivered[stream] += payload.length - cut;
            output.write(stream == 1, Arrays.copyOfRange(payload, cut, payload.length));
        }

        /** The log stream ends when the container does; a broken stream leaves it running, so look until it ends. */
        private void awaitExit() {
            try {
                while (true) {
                    InspectContainerResponse.ContainerState state = docker.inspectContainerCmd(id).exec().getState();
                    if (state == null || !Boolean.TRUE.equals(state.getRunning())) {
                        Long code = state == null ? null : state.getExitCodeLong();
                        catchUp();
                        exit.complete(code == null ? -1 : code.intValue());
                        return;
                    }
                    TimeUnit.MILLISECONDS.sleep(EXIT_POLL_MILLIS);
                }
            } catch (NotFoundException e) {
                exit.completeExceptionally(new EngineException("the container of task " + taskId
                        + " was removed before it reported its exit code", e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exit.completeExceptionally(new EngineException("interrupted while waiting for task " + taskId, e));
            } catch (RuntimeException e) {
                exit.completeExceptionally(new EngineException("reading the exit code of task " + taskId
                        + " failed: " + DockerContainers.reason(e), e));
            }
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public CompletableFuture<Integer> exit() {
            return exit;
        }

        @Override
        public void stop(Duration grace) {
            try {
                // The daemon answers once the container exited: the streaming client's deadline covers the grace.
                streams.stopContainerCmd(id).withTimeout((int) Math.max(0, grace.toSeconds())).exec();
            } catch (NotFoundException | NotModifiedException e) {
                // already gone or already stopped
            } catch (RuntimeException e) {
                throw new EngineException("stopping task " + taskId + " failed: " + DockerContainers.reason(e), e);
            }
        }

        @Override
        public void remove() {
            removeQuietly(id);
        }
    }
}
