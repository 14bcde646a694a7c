package io.jenkins.plugins.slipway.runner.client;

import java.util.function.Consumer;

/**
 * Assembles Server-Sent Events from lines, as the HTML living standard describes: {@code id:}, {@code event:}
 * and {@code data:} fields accumulate until a blank line dispatches them; lines starting with {@code :} are
 * comments (keep-alives). Not thread-safe: one instance per stream.
 */
final class ServerSentEvents {

    /** One dispatched event; {@code id} is null when the event carried none. */
    record Frame(String id, String event, String data) {
    }

    private final Consumer<Frame> onFrame;
    private String id;
    private String event;
    private StringBuilder data;

    ServerSentEvents(Consumer<Frame> onFrame) {
        this.onFrame = onFrame;
    }

    void line(String line) {
        if (line.isEmpty()) {
            dispatch();
            return;
        }
        if (line.startsWith(":")) {
            return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "id" -> id = value;
            case "event" -> event = value;
            case "data" -> {
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
            }
            default -> {
                // "retry" and unknown fields carry nothing this client uses.
            }
        }
    }

    private void dispatch() {
        if (data != null) {
            onFrame.accept(new Frame(id, event == null ? "message" : event, data.toString()));
        }
        id = null;
        event = null;
        data = null;
    }
}
