package io.jenkins.plugins.slipway.runner.api;

import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.events.EventLog;
import io.jenkins.plugins.slipway.runner.release.ReleaseController;
import io.jenkins.plugins.slipway.runner.release.plan.Command;
import io.jenkins.plugins.slipway.runner.release.plan.Transition;
import io.jenkins.plugins.slipway.runner.store.Database;
import io.jenkins.plugins.slipway.runner.store.ReleaseRecord;
import io.jenkins.plugins.slipway.runner.store.ReleaseRepository;
import java.io.IOException;
import java.util.List;

/** {@code /api/v1/releases}: status, the event stream, and the controls. */
final class ReleasesApi {
    private static final String RELEASE = "/api/v1/releases/([^/]+)";

    private final Database db;
    private final ReleaseRepository releases;
    private final EventLog events;
    private final ReleaseController controller;

    ReleasesApi(Database db, ReleaseRepository releases, EventLog events, ReleaseController controller) {
        this.db = db;
        this.releases = releases;
        this.events = events;
        this.controller = controller;
    }

    void register(ApiServer server) {
        server.route("GET", RELEASE, ex -> ex.json(200, find(ex.param(1)).status()));
        server.route("GET", RELEASE + "/events", this::events);
        server.route("POST", RELEASE + "/abort", this::abort);
        server.route("POST", RELEASE + "/promote", ex -> control(ex, "promote"));
        server.route("POST", RELEASE + "/pause", ex -> control(ex, "pause"));
        server.route("POST", RELEASE + "/resume", ex -> control(ex, "resume"));
    }

    private ReleaseRecord find(String id) {
        return db.tx(c -> releases.find(c, id)).orElseThrow(() -> new ApiException(404, "no release " + id));
    }

    private void abort(Exchange ex) throws IOException {
        ReleaseRecord r = find(ex.param(1));
        if (r.phase().isTerminal()) {
            throw new ApiException(409, "release " + r.id() + " has already ended: " + r.phase());
        }
        if (!r.strategy().equals("rolling")) {
            allowed(r, Command.Abort);
        }
        String reason = ex.body().path("reason").asText("");
        controller.requestAbort(r.id(), reason);
        ex.json(202, r.status());
    }

    /** Throws the 409 when {@code command} does not apply to a canary or blue-green release as it stands. */
    private void allowed(ReleaseRecord r, Command command) {
        if (controller.decide(r, command) instanceof Transition.NotApplicable n) {
            throw new ApiException(409, new ApiError(command.verb() + " does not apply to release " + r.id() + " ("
                    + r.strategy() + ", " + r.phase() + "): " + n.reason(), List.of()));
        }
    }

    private void control(Exchange ex, String control) throws IOException {
        ReleaseRecord r = find(ex.param(1));
        if (!r.strategy().equals("rolling")) {
            Command command = switch (control) {
                case "promote" -> ex.body().path("full").asBoolean(false) ? Command.PromoteFull : Command.Promote;
                case "pause" -> Command.Pause;
                default -> Command.Resume;
            };
            allowed(r, command);
            controller.request(r.id(), command);
            ex.json(202, r.status());
            return;
        }
        if (!controller.supports(r, control)) {
            throw new ApiException(409, control + " does not apply to release " + r.id() + " (" + r.strategy()
                    + ", " + r.phase() + ")" + (r.strategy().equals("rolling")
                    ? ": rolling releases only pause on failure_action: pause, and only resume from there" : ""));
        }
        if (control.equals("resume")) {
            controller.requestResume(r.id());
        }
        ex.json(202, r.status());
    }

    /**
     * Server-sent events: replays what was stored after {@code Last-Event-ID}, then follows live events, and
     * ends after the terminal one. Live delivery is registered before the replay is read, so nothing falls
     * between the two; no thread waits while the stream is open.
     */
    private void events(Exchange ex) throws Exception {
        ReleaseRecord r = find(ex.param(1));
        long last = lastEventId(ex);
        EventStream stream = ex.eventStream();
        EventFollower follower = new EventFollower(stream, last);
        AutoCloseable sub = events.follow(r.id(), follower::live);
        stream.onClose(() -> {
            try {
                sub.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            follower.replay(events.since(r.id(), r.app(), last), find(r.id()).phase().isTerminal());
        } catch (RuntimeException e) {
            stream.end();
            throw e;
        }
    }

    private static long lastEventId(Exchange ex) {
        String header = ex.requestHeader("Last-Event-ID");
        if (header == null) {
            header = ex.query("lastEventId");
        }
        try {
            return header == null || header.isBlank() ? 0 : Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            throw new ApiException(400, "Last-Event-ID must be an event sequence number, got \"" + header + "\"");
        }
    }
}
