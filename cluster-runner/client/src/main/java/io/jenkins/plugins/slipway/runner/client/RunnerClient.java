package io.jenkins.plugins.slipway.runner.client;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The cluster runner's REST API, as Java. Every call has a deadline and throws {@link RunnerException}
 * (with the HTTP status and the runner's {@link ApiError}) when the runner refuses or cannot be reached.
 * Implementations are thread-safe: one client may serve parallel pipeline branches.
 */
public interface RunnerClient extends AutoCloseable {

    /** {@code PUT /api/v1/apps/{app}}: a new revision and release, or the current revision when unchanged. */
    DeployResponse deploy(String app, DeployRequest request);

    /** {@code GET /api/v1/apps}. */
    List<AppStatus> apps();

    /** {@code GET /api/v1/apps/{app}}; 404 becomes a {@link RunnerException} with status 404. */
    AppStatus app(String app);

    /** {@code DELETE /api/v1/apps/{app}}: stops the app's replicas and its routes. */
    void deleteApp(String app);

    /** {@code GET /api/v1/releases/{id}}. */
    ReleaseStatus release(String releaseId);

    /** {@code POST /api/v1/releases/{id}/promote}: next step, or every remaining step when {@code full}. */
    ReleaseStatus promote(String releaseId, boolean full);

    /** {@code POST /api/v1/releases/{id}/abort}: traffic back to stable, new replicas removed, phase Aborted. */
    ReleaseStatus abort(String releaseId, String reason);

    /** {@code POST /api/v1/releases/{id}/pause}. */
    ReleaseStatus pause(String releaseId);

    /** {@code POST /api/v1/releases/{id}/resume}. */
    ReleaseStatus resume(String releaseId);

    /** {@code POST /api/v1/apps/{app}/rollback}: a release back to the previous revision. */
    DeployResponse rollback(String app);

    /** {@code POST /api/v1/apps/{app}/scale} body {@code {"service": ..., "replicas": n}}. */
    AppStatus scale(String app, String service, int replicas);

    /** {@code GET /api/v1/whoami}: the name, role and app patterns of the token this client presents. */
    Tokens.Identity whoami();

    /** {@code POST /api/v1/tokens} (admin): a new token, shown in the answer and never again. */
    Tokens.Created createToken(Tokens.CreateRequest request);

    /** {@code GET /api/v1/tokens} (admin). */
    List<Tokens.Summary> tokens();

    /** {@code DELETE /api/v1/tokens/{name}} (admin): refused from now on. */
    void revokeToken(String name);

    /**
     * Follows {@code GET /api/v1/releases/{id}/events} without holding a thread while it waits: events
     * after {@code lastEventId} (0 for all) reach {@code onEvent} in order, on the client's I/O thread.
     * When the stream ends or drops, {@code onClose} is called once with null (the terminal event was seen)
     * or with the failure; the caller decides whether to resubscribe from the last id it saw.
     */
    EventSubscription subscribe(String releaseId, long lastEventId, Consumer<ReleaseEvent> onEvent,
                                Consumer<Throwable> onClose);

    /** {@code POST /api/v1/tasks}: starts a container that runs to completion; answers at once (state Starting). */
    TaskStatus runTask(TaskRequest request);

    /** {@code GET /api/v1/tasks}: the tasks the runner keeps, newest first. */
    List<TaskStatus> tasks();

    /** {@code GET /api/v1/tasks/{id}}. */
    TaskStatus task(String taskId);

    /** {@code DELETE /api/v1/tasks/{id}}: SIGTERM, then SIGKILL after the task's grace; answers at once. */
    TaskStatus stopTask(String taskId);

    /**
     * Follows {@code GET /api/v1/tasks/{id}/logs} without holding a thread while it waits: the lines after
     * {@code afterLine} (0 for all) reach {@code onLine} in order, then {@code onEnd} gets the task's final
     * status. {@code onClose} is called once when the stream ends or drops, with null after {@code onEnd} or with
     * the failure; the caller may follow again from the last line it saw.
     */
    EventSubscription followTask(String taskId, long afterLine, Consumer<TaskLine> onLine, Consumer<TaskStatus> onEnd,
                                 Consumer<Throwable> onClose);

    /** A live event stream; closing it stops delivery. */
    interface EventSubscription extends AutoCloseable {
        @Override
        void close();
    }

    @Override
    void close();

    /**
     * Removes an app; with {@code volumes} also its named volumes and their data (the call then waits for the
     * replicas to stop). Answers the runner's summary ({@code volumesRemoved} and {@code volumesLeft}, or
     * {@code volumesKept}).
     */
    Map<String, Object> deleteApp(String app, boolean volumes);

    /**
     * {@code POST /api/v1/validate?app=APP} with the body of a deploy: the plan the runner would carry out for
     * {@code app} (services, networks, volumes, secrets by name, start order, strategy per service, the keys it
     * honours and ignores), as the JSON object it answers. Nothing is created. A file the runner refuses is a
     * {@link RunnerException} with status 400 whose {@link ApiError#problems()} holds every problem.
     */
    Map<String, Object> validate(String app, DeployRequest request);
}
