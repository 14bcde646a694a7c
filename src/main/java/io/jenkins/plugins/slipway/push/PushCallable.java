package io.jenkins.plugins.slipway.push;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.PushResponseItem;
import hudson.AbortException;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import io.jenkins.plugins.slipway.docker.DockerEndpoint;
import io.jenkins.plugins.slipway.docker.DockerEngine;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jenkins.MasterToSlaveFileCallable;

/**
 * Runs on the node whose engine holds the image: checks the login first (so a wrong password fails at
 * once, clearly), then pushes each tag, retrying transient failures a bounded number of times, and
 * returns {@code repository@sha256:...} as the engine reports the registry stored it.
 */
final class PushCallable extends MasterToSlaveFileCallable<String> {
    private static final long serialVersionUID = 1L;
    /** Attempts per login or tag: with the back-off doubling from 2 s, a registry has 14 s to come back. */
    static final int MAX_ATTEMPTS = 4;
    /** Upper bound for pushing one tag. */
    static final long PUSH_DEADLINE_MINUTES = 30;
    private static final Pattern DIGEST = Pattern.compile("digest: (sha256:[0-9a-f]{64})");

    private final String repository;
    private final List<String> tags;
    private final RegistryLogin login;
    private final DockerEndpoint endpoint;
    private final TaskListener listener;
    private final long backoffMillis;

    PushCallable(String repository, List<String> tags, RegistryLogin login, DockerEndpoint endpoint,
                 TaskListener listener, long backoffMillis) {
        this.repository = repository;
        this.tags = List.copyOf(tags);
        this.login = login;
        this.endpoint = endpoint;
        this.listener = listener;
        this.backoffMillis = backoffMillis;
    }

    @Override
    public String invoke(File ignored, VirtualChannel channel) throws IOException, InterruptedException {
        PrintStream log = listener.getLogger();
        try (DockerClient docker = DockerEngine.open(endpoint)) {
            if (!login.isAnonymous()) {
                attempt("log in to " + login.registry(), () -> {
                    docker.authCmd().withAuthConfig(login.toAuthConfig()).exec();
                    return null;
                });
            }
            String digest = null;
            for (String tag : tags) {
                String pushed = attempt("push " + repository + ":" + tag, () -> pushOnce(docker, tag, log));
                if (digest != null && !digest.equals(pushed)) {
                    log.println("[slipwayPush] WARNING: " + repository + ":" + tag + " has digest " + pushed + ", not " + digest);
                }
                digest = digest == null ? pushed : digest;
            }
            return repository + "@" + digest;
        }
    }

    private String pushOnce(DockerClient docker, String tag, PrintStream log) throws Exception {
        PushProgress progress = new PushProgress(log);
        docker.pushImageCmd(repository).withTag(tag).withAuthConfig(login.toAuthConfig()).exec(progress);
        if (!progress.awaitCompletion(PUSH_DEADLINE_MINUTES, TimeUnit.MINUTES)) {
            progress.close();
            throw new java.util.concurrent.TimeoutException("the push did not finish within " + PUSH_DEADLINE_MINUTES + " minutes");
        }
        if (progress.error != null) {
            throw new IllegalStateException(progress.error);
        }
        if (progress.digest == null) {
            throw new IllegalStateException("the engine reported no digest for " + repository + ":" + tag);
        }
        return progress.digest;
    }

    /**
     * Runs one login or push, retrying what may pass (the registry unreachable, timing out, answering 5xx)
     * after a back-off that doubles each time, at most {@link #MAX_ATTEMPTS} attempts; each retry is logged.
     */
    private <T> T attempt(String what, Work<T> work) throws IOException, InterruptedException {
        long started = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            try {
                return work.run();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                String message = login.scrub(e.getMessage());
                if (!login.isAnonymous() && PushFailures.isLoginRejection(message)) {
                    throw new AbortException("slipwayPush: registry " + login.registry() + " rejected the login of credential '"
                            + login.credentialsId() + "' (user '" + login.username() + "'): " + message);
                }
                if (login.isAnonymous() && PushFailures.isLoginRejection(message)) {
                    throw new AbortException("slipwayPush: registry " + login.registry() + " requires a login: pass credentialsId "
                            + "or set the registry's credential in Manage Jenkins > System > Slipway (" + message + ")");
                }
                if (!PushFailures.isTransient(e, message)) {
                    throw new AbortException("slipwayPush: registry " + login.registry() + ": could not " + what
                            + " (attempt " + attempt + " of " + MAX_ATTEMPTS + ", not retried): " + message);
                }
                if (attempt >= MAX_ATTEMPTS) {
                    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
                    throw new AbortException("slipwayPush: registry " + login.registry() + ": could not " + what + " in "
                            + MAX_ATTEMPTS + " attempts over " + seconds + " s; the last failed with: " + message);
                }
                long backoff = backoffMillis << (attempt - 1);
                listener.getLogger().println("[slipwayPush] " + what + " failed (attempt " + attempt + " of " + MAX_ATTEMPTS
                        + "): " + message + "; retrying in " + describe(backoff));
                Thread.sleep(backoff);
            }
        }
    }

    private static String describe(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws Exception;
    }

    /** Logs one line per layer state change (not every progress tick) and keeps the digest and error. */
    private static final class PushProgress extends ResultCallback.Adapter<PushResponseItem> {
        private final PrintStream log;
        private final Map<String, String> layerStatus = new HashMap<>();
        volatile String digest;
        volatile String error;

        PushProgress(PrintStream log) {
            this.log = log;
        }

        @Override
        public void onNext(PushResponseItem item) {
            if (item.isErrorIndicated()) {
                error = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                        ? item.getErrorDetail().getMessage() : item.getError();
                return;
            }
            if (item.getAux() != null && item.getAux().getDigest() != null) {
                digest = item.getAux().getDigest();
            }
            String status = item.getStatus();
            if (status == null) {
                return;
            }
            Matcher m = DIGEST.matcher(status);
            if (m.find() && digest == null) {
                digest = m.group(1);
            }
            String id = item.getId();
            if (id == null) {
                log.println(status);
            } else if (!status.equals(layerStatus.put(id, status))) {
                log.println(id + ": " + status);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            if (error == null) {
                error = throwable.getMessage() == null ? throwable.toString() : throwable.getMessage();
            }
            super.onError(throwable);
        }
    }
}
