package io.jenkins.plugins.slipway.build;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageCmd;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.BuildResponseItem;
import hudson.AbortException;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import io.jenkins.plugins.slipway.docker.DockerEndpoint;
import io.jenkins.plugins.slipway.docker.DockerEngine;
import io.jenkins.plugins.slipway.docker.LineLog;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jenkins.MasterToSlaveFileCallable;

/**
 * Runs on the node that holds the workspace: checks the context and Dockerfile exist (before anything is
 * sent), streams the context to the engine, copies the engine's output to the build log line by line as it
 * arrives, and turns a failure into a message naming the Dockerfile line.
 */
final class BuildCallable extends MasterToSlaveFileCallable<BuiltImage> {
    private static final long serialVersionUID = 1L;
    /** Upper bound for one image build, from sending the context to the last output line. */
    static final long BUILD_DEADLINE_MINUTES = 60;

    private final BuildSpec spec;
    private final DockerEndpoint endpoint;
    private final TaskListener listener;

    BuildCallable(BuildSpec spec, DockerEndpoint endpoint, TaskListener listener) {
        this.spec = spec;
        this.endpoint = endpoint;
        this.listener = listener;
    }

    @Override
    public BuiltImage invoke(File workspace, VirtualChannel channel) throws IOException, InterruptedException {
        File context = resolve(workspace, spec.context());
        if (!context.isDirectory()) {
            throw new AbortException("slipwayBuild: build context '" + spec.context() + "' is not a directory in the workspace ("
                    + context + "); nothing was sent to the engine");
        }
        File dockerfile = spec.dockerfile() == null ? new File(context, "Dockerfile") : resolve(workspace, spec.dockerfile());
        String dockerfileName = spec.dockerfile() == null ? relative(workspace, dockerfile) : spec.dockerfile();
        if (!dockerfile.isFile()) {
            throw new AbortException("slipwayBuild: Dockerfile '" + dockerfileName + "' not found in the workspace ("
                    + dockerfile + "); nothing was sent to the engine");
        }
        if (!dockerfile.getCanonicalPath().startsWith(context.getCanonicalPath() + File.separator)) {
            throw new AbortException("slipwayBuild: Dockerfile '" + dockerfileName + "' must be inside the build context '"
                    + spec.context() + "'");
        }
        String dockerfileText = Files.readString(dockerfile.toPath(), StandardCharsets.UTF_8);

        List<String> references = new ArrayList<>();
        for (String tag : spec.tags()) {
            references.add(spec.repository() + ":" + tag);
        }
        String dockerfileInContext = context.toPath().toAbsolutePath().normalize()
                .relativize(dockerfile.toPath().toAbsolutePath().normalize()).toString().replace(File.separatorChar, '/');
        File tar = File.createTempFile("slipway-context", ".tar");
        try (DockerClient docker = DockerEngine.open(endpoint)) {
            try (OutputStream out = Files.newOutputStream(tar.toPath())) {
                BuildContext.of(context).writeTar(dockerfileInContext, out);
            }
            BuildImageCmd cmd = docker.buildImageCmd(Files.newInputStream(tar.toPath()))
                    .withDockerfilePath(dockerfileInContext)
                    .withTags(new LinkedHashSet<>(references))
                    .withLabels(spec.labels())
                    .withPull(spec.pull())
                    .withNoCache(spec.noCache())
                    .withRemove(true)
                    // The intermediate container of a failing step goes too: without this the engine keeps it,
                    // and every failed build leaves an exited container behind on the user's Docker host.
                    .withForcerm(true);
            spec.buildArgs().forEach(cmd::withBuildArg);
            if (!spec.cacheFrom().isEmpty()) {
                cmd.withCacheFrom(new LinkedHashSet<>(spec.cacheFrom()));
            }
            if (spec.target() != null) {
                cmd.withTarget(spec.target());
            }
            Progress progress = new Progress(new LineLog(listener.getLogger(), spec.logPrefix()));
            try {
                cmd.exec(progress);
                if (!progress.awaitCompletion(BUILD_DEADLINE_MINUTES, TimeUnit.MINUTES)) {
                    progress.close();
                    throw new AbortException("slipwayBuild: the build of " + spec.repository() + " did not finish within "
                            + BUILD_DEADLINE_MINUTES + " minutes on " + endpoint + "; it was abandoned");
                }
            } catch (DockerException e) {
                // A request the engine refused outright (a Dockerfile syntax error is one) arrives here.
                progress.failed(e.getMessage());
            } catch (RuntimeException e) {
                if (progress.error == null) {
                    progress.failed(e.getMessage());
                }
            } finally {
                progress.log.flush();
            }
            if (progress.error == null && progress.failure != null) {
                progress.failed(progress.failure.getMessage());
            }
            if (progress.error != null) {
                throw new AbortException("slipwayBuild: " + Dockerfiles.describeFailure(dockerfileName, dockerfileText,
                        progress.lastStep, engineText(progress.error)));
            }
            String id = docker.inspectImageCmd(references.get(0)).exec().getId();
            return new BuiltImage(id, references);
        } finally {
            Files.deleteIfExists(tar.toPath());
        }
    }

    /** The engine's JSON error bodies ({"message":"..."}) carry the useful part in "message". */
    private static String engineText(String error) {
        int m = error.indexOf("\"message\":\"");
        if (m >= 0) {
            int end = error.indexOf('"', m + 11);
            if (end > m) {
                return error.substring(m + 11, end).replace("\\n", " ");
            }
        }
        return error;
    }

    private static File resolve(File workspace, String path) {
        File f = new File(path);
        return f.isAbsolute() ? f : new File(workspace, path);
    }

    private static String relative(File workspace, File f) {
        String ws = workspace.getAbsolutePath() + File.separator;
        String p = f.getAbsolutePath();
        return (p.startsWith(ws) ? p.substring(ws.length()) : p).replace("/./", "/").replaceFirst("^\\./", "");
    }

    /** Streams the build output to the log and remembers the last step and the first error. */
    private static final class Progress extends BuildImageResultCallback {
        final LineLog log;
        volatile int lastStep = -1;
        volatile String error;
        volatile Throwable failure;

        Progress(LineLog log) {
            this.log = log;
        }

        @Override
        public void onNext(BuildResponseItem item) {
            if (item.getStream() != null) {
                for (String line : item.getStream().split("\n")) {
                    int step = Dockerfiles.stepNumber(line);
                    if (step > 0) {
                        lastStep = step;
                    }
                }
                log.append(item.getStream());
            } else if (item.getStatus() != null) {
                log.append(item.getStatus() + (item.getProgress() != null ? " " + item.getProgress() : "") + "\n");
            }
            if (item.isErrorIndicated()) {
                failed(item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                        ? item.getErrorDetail().getMessage() : item.getError());
            }
            super.onNext(item);
        }

        @Override
        public void onError(Throwable throwable) {
            failure = throwable;
            super.onError(throwable);
        }

        void failed(String message) {
            if (error == null) {
                error = message == null ? "unknown error" : message;
            }
        }
    }
}
