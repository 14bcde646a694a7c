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
        server.route("POST", RELEASE + "/abort", ex -> command(ex, Command.Abort));
        server.route("POST", RELEASE + "/promote", ex -> command(ex,
                ex.body().path("full").asBoolean(false) ? Command.PromoteFull : Command.Promote));
        server.route("POST", RELEASE + "/pause", ex -> command(ex, Command.Pause));
        server.route("POST", RELEASE + "/resume", ex -> command(ex, Command.Resume));
    }

    private ReleaseRecord find(String id) {
        return db.tx(c -> releases.find(c, id)).orElseThrow(() -> new ApiException(404, "no release " + id));
    }

    /**
     * Every command takes one path, whatever the strategy: decided against the stored release (409 with the
     * reason when it does not apply, nothing changes), then carried out by a pass started at once.
     */
    private void command(Exchange ex, Command command) throws IOException {
        ReleaseRecord r = find(ex.param(1));
        if (controller.decide(r, command) instanceof Transition.NotApplicable n) {
            throw new ApiException(409, new ApiError(command.verb() + " does not apply to release " + r.id() + " ("
                    + r.strategy() + ", " + r.phase() + "): " + n.reason(), List.of()));
        }
        String reason = command == Command.Abort ? ex.body().path("reason").asText("") : null;
        controller.request(r.id(), command, reason);
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
        EventFollower follower = new EventFollower(stream, last, after -> events.since(r.id(), r.app(), after));
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
