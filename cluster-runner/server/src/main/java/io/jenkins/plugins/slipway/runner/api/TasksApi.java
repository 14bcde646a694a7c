package io.jenkins.plugins.slipway.runner.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.slipway.runner.Json;
import io.jenkins.plugins.slipway.runner.access.AppPattern;
import io.jenkins.plugins.slipway.runner.access.Caller;
import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.client.TaskLine;
import io.jenkins.plugins.slipway.runner.client.TaskRequest;
import io.jenkins.plugins.slipway.runner.engine.EngineException;
import io.jenkins.plugins.slipway.runner.tasks.Task;
import io.jenkins.plugins.slipway.runner.tasks.TaskLog;
import io.jenkins.plugins.slipway.runner.tasks.Tasks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/tasks}: run a container to completion, read where it stands, follow its log, stop it.
 * A task belongs to no app, so only a token that covers every app ({@code *}) may start, stop or read one (its
 * log may say anything).
 */
final class TasksApi {
    private static final String TASK = "/api/v1/tasks/([^/]+)";
    static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);
    static final Duration MAX_TIMEOUT = Duration.ofHours(24);
    static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);
    static final Duration MAX_STOP_GRACE = Duration.ofMinutes(5);
    private static final Set<String> FIELDS = Set.of("image", "command", "env", "timeoutSeconds", "stopGraceSeconds");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Tasks tasks;

    TasksApi(Tasks tasks) {
        this.tasks = tasks;
    }

    void register(ApiServer server) {
        server.route("POST", "/api/v1/tasks", this::run);
        server.route("GET", "/api/v1/tasks", ex -> {
            coversEveryApp(ex.caller());
            ex.json(200, tasks.all().stream().map(Task::status).toList());
        });
        server.route("GET", TASK, ex -> {
            coversEveryApp(ex.caller());
            ex.json(200, find(ex.param(1)).status());
        });
        server.route("GET", TASK + "/logs", this::logs);
        server.route("DELETE", TASK, this::stop);
    }

    private Task find(String id) {
        return tasks.find(id).orElseThrow(() -> new ApiException(404, "no task " + id
                + " (a task is kept for a while after it ended, then forgotten)"));
    }

    private void run(Exchange ex) {
        coversEveryApp(ex.caller());
        JsonNode body = ex.body();
        List<ApiError.Problem> problems = new ArrayList<>();
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                problems.add(new ApiError.Problem(name, "unknown field; a task has " + new java.util.TreeSet<>(FIELDS)));
            }
        }
        TaskRequest req;
        try {
            req = Json.MAPPER.treeToValue(body, TaskRequest.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String where = e instanceof com.fasterxml.jackson.databind.JsonMappingException m && !m.getPath().isEmpty()
                    && m.getPath().get(0).getFieldName() != null ? m.getPath().get(0).getFieldName() : "body";
            problems.add(new ApiError.Problem(where, "has the wrong type: see the fields of a task in the API reference"));
            throw new ApiException(400, new ApiError("invalid task: " + problems.size() + " problem(s)", problems));
        }
        if (req.image() == null || req.image().isBlank()) {
            problems.add(new ApiError.Problem("image", "is required"));
        }
        List<String> command = req.command() == null ? List.of() : req.command();
        for (int i = 0; i < command.size(); i++) {
            if (command.get(i) == null) {
                problems.add(new ApiError.Problem("command[" + i + "]", "must be a string, got null"));
            }
        }
        Map<String, String> env = req.env() == null ? Map.of() : req.env();
        env.forEach((name, value) -> {
            if (!ENV_NAME.matcher(name).matches()) {
                problems.add(new ApiError.Problem("env." + name, "is not a variable name (letters, digits, _)"));
            } else if (value == null) {
                problems.add(new ApiError.Problem("env." + name, "must be a string, got null"));
            }
        });
        Duration timeout = seconds(req.timeoutSeconds(), DEFAULT_TIMEOUT, Duration.ofSeconds(1), MAX_TIMEOUT,
                "timeoutSeconds", problems);
        Duration grace = seconds(req.stopGraceSeconds(), DEFAULT_STOP_GRACE, Duration.ZERO, MAX_STOP_GRACE,
                "stopGraceSeconds", problems);
        if (!problems.isEmpty()) {
            throw new ApiException(400, new ApiError("invalid task: " + problems.size() + " problem(s)", problems));
        }
        Task task;
        try {
            task = tasks.run(req.image().trim(), command, new LinkedHashMap<>(env), timeout, grace);
        } catch (EngineException e) {
            throw new ApiException(501, e.getMessage());
        } catch (Tasks.TooMany e) {
            throw new ApiException(429, e.getMessage());
        }
        ex.header("Location", "/api/v1/tasks/" + task.id());
        ex.json(201, task.status());
    }

    private static Duration seconds(Integer value, Duration byDefault, Duration min, Duration max, String field,
                                    List<ApiError.Problem> problems) {
        if (value == null) {
            return byDefault;
        }
        Duration d = Duration.ofSeconds(value);
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            problems.add(new ApiError.Problem(field, "must be between " + min.toSeconds() + " and "
                    + max.toSeconds() + ", got " + value));
        }
        return d;
    }

    private void stop(Exchange ex) {
        coversEveryApp(ex.caller());
        Task task = find(ex.param(1));
        Caller caller = ex.caller();
        tasks.stop(task, "stopped by " + (caller == null ? "an API call" : caller.name()));
        ex.json(202, task.status());
    }

    private static void coversEveryApp(Caller caller) {
        if (caller != null && !caller.apps().contains(AppPattern.ANY)) {
            throw new ApiException(403, "token " + caller.name() + " may use the apps " + caller.appTexts()
                    + "; a task belongs to no app, so tasks need a token for every app (*)");
        }
    }

    /**
     * Server-sent events: every line after {@code Last-Event-ID} ({@code event: line}, data a {@link TaskLine}),
     * then the new ones as the task writes them, and last {@code event: end} with the task's final status. No
     * thread waits while the stream is open.
     */
    private void logs(Exchange ex) {
        coversEveryApp(ex.caller());
        Task task = find(ex.param(1));
        long after = lastLine(ex);
        EventStream stream = ex.eventStream();
        AutoCloseable following = task.log().follow(after, new TaskLog.Reader() {
            @Override
            public void line(TaskLine line) {
                stream.send(line.id(), "line", Json.write(line));
            }

            @Override
            public void ended() {
                stream.send(task.log().size() + 1, "end", Json.write(task.status()));
                stream.end();
            }
        });
        stream.onClose(() -> {
            try {
                following.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static long lastLine(Exchange ex) {
        String header = ex.requestHeader("Last-Event-ID");
        if (header == null) {
            header = ex.query("lastEventId");
        }
        try {
            return header == null || header.isBlank() ? 0 : Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            throw new ApiException(400, "Last-Event-ID must be a line number, got \"" + header + "\"");
        }
    }
}
