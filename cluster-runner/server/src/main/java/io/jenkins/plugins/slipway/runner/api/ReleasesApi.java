package io.jenkins.plugins.slipway.runner.api;

import io.jenkins.plugins.slipway.runner.Json;
import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import io.jenkins.plugins.slipway.runner.events.EventLog;
import io.jenkins.plugins.slipway.runner.release.ReleaseController;
import io.jenkins.plugins.slipway.runner.release.plan.Command;
import io.jenkins.plugins.slipway.runner.release.plan.Transition;
import io.jenkins.plugins.slipway.runner.store.Database;
import io.jenkins.plugins.slipway.runner.store.ReleaseRecord;
import io.jenkins.plugins.slipway.runner.store.ReleaseRepository;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** {@code /api/v1/releases}: status, the event stream, and the controls. */
final class ReleasesApi {
    private static final String RELEASE = "/api/v1/releases/([^/]+)";
    private static final long KEEPALIVE_SECONDS = 15;

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
     * between the two; duplicates are skipped by sequence.
     */
    private void events(Exchange ex) throws IOException {
        ReleaseRecord r = find(ex.param(1));
        long last = lastEventId(ex);
        LinkedBlockingQueue<ReleaseEvent> live = new LinkedBlockingQueue<>();
        try (AutoCloseable sub = events.follow(r.id(), live::add)) {
            ex.http.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            ex.http.getResponseHeaders().set("Cache-Control", "no-cache");
            ex.http.sendResponseHeaders(200, 0);
            OutputStream out = ex.http.getResponseBody();
            for (ReleaseEvent e : events.since(r.id(), r.app(), last)) {
                write(out, e);
                last = e.id();
                if (e.isTerminal()) {
                    out.close();
                    return;
                }
            }
            out.flush();
            if (find(r.id()).phase().isTerminal() && live.isEmpty()) {
                out.close();
                return;
            }
            while (true) {
                ReleaseEvent e = live.poll(KEEPALIVE_SECONDS, TimeUnit.SECONDS);
                if (e == null) {
                    // A comment line keeps proxies from timing out and tells us when the reader is gone.
                    out.write(": keepalive\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    continue;
                }
                if (e.id() <= last) {
                    continue;
                }
                write(out, e);
                out.flush();
                last = e.id();
                if (e.isTerminal()) {
                    out.close();
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the reader went away
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private static long lastEventId(Exchange ex) {
        String header = ex.http.getRequestHeaders().getFirst("Last-Event-ID");
        String query = ex.http.getRequestURI().getQuery();
        if (header == null && query != null) {
            for (String kv : query.split("&")) {
                if (kv.startsWith("lastEventId=")) {
                    header = kv.substring("lastEventId=".length());
                }
            }
        }
        try {
            return header == null || header.isBlank() ? 0 : Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            throw new ApiException(400, "Last-Event-ID must be an event sequence number, got \"" + header + "\"");
        }
    }

    private static void write(OutputStream out, ReleaseEvent e) throws IOException {
        String frame = "id: " + e.id() + "\nevent: " + e.type() + "\ndata: " + Json.write(e) + "\n\n";
        out.write(frame.getBytes(StandardCharsets.UTF_8));
    }
}
