package io.jenkins.plugins.slipway.runner.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerSentEventsTest {

    private final List<ServerSentEvents.Frame> frames = new ArrayList<>();
    private final ServerSentEvents sse = new ServerSentEvents(frames::add);

    private void feed(String... lines) {
        for (String line : lines) {
            sse.line(line);
        }
    }

    @Test
    void dispatchesOnBlankLineWithIdAndType() {
        feed("id: 7", "event: StepStarted", "data: {\"a\":1}", "");
        assertThat(frames).containsExactly(new ServerSentEvents.Frame("7", "StepStarted", "{\"a\":1}"));
    }

    @Test
    void joinsMultipleDataLinesWithNewline() {
        feed("data: one", "data: two", "");
        assertThat(frames).containsExactly(new ServerSentEvents.Frame(null, "message", "one\ntwo"));
    }

    @Test
    void ignoresCommentsAndFramesWithoutData() {
        feed(": keep-alive", "", "id: 3", "", "event: x", "data:y", "");
        assertThat(frames).containsExactly(new ServerSentEvents.Frame(null, "x", "y"));
    }

    @Test
    void fieldsDoNotLeakIntoTheNextFrame() {
        feed("id: 1", "event: A", "data: a", "", "data: b", "");
        assertThat(frames).extracting(ServerSentEvents.Frame::id).containsExactly("1", null);
        assertThat(frames).extracting(ServerSentEvents.Frame::event).containsExactly("A", "message");
    }
}
