package io.jenkins.plugins.slipway.runner.client;

import java.util.Map;

/**
 * One entry of a release's event stream ({@code GET /api/v1/releases/{id}/events}).
 *
 * @param id      sequence number within the release, from 1, strictly increasing; the SSE {@code id:}
 * @param type    the SSE {@code event:} (see {@link EventTypes})
 * @param time    ISO-8601 instant
 * @param phase   the release's phase after this event
 * @param message a line a person can read in a build log
 * @param data    the event's figures (weights, replica ids, measured values beside thresholds, ...)
 */
public record ReleaseEvent(long id, String type, String release, String app, String time, Phase phase,
                           String message, Map<String, Object> data) {
    public ReleaseEvent {
        data = data == null ? Map.of() : data;
    }

    /** True for the event that ends a release's stream. */
    public boolean isTerminal() {
        return phase != null && phase.isTerminal() && EventTypes.TERMINAL.contains(type);
    }
}
