package io.jenkins.plugins.slipway.runner.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import io.jenkins.plugins.slipway.runner.store.Database;
import io.jenkins.plugins.slipway.runner.store.ReleaseRepository;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pass's events go to the store with its status, in one transaction, and reach readers only once committed. */
class EventLogTest {
    private static final String RELEASE = "shop-2-abcd";

    @TempDir
    Path dir;

    @Test
    void eventsOfAFailedSaveAreNeitherStoredNorPublished() throws Exception {
        try (Database db = Database.open(dir)) {
            EventLog log = new EventLog(db, new ReleaseRepository());
            List<ReleaseEvent> seen = new ArrayList<>();
            try (AutoCloseable sub = log.follow(RELEASE, seen::add)) {
                assertThatThrownBy(() -> db.tx(c -> {
                    log.record(c, RELEASE, "shop", List.of(pending("StepStarted"), pending("TrafficShifted")));
                    throw new IllegalStateException("the status could not be saved");
                })).hasMessageContaining("the status could not be saved");

                assertThat(log.since(RELEASE, "shop", 0)).isEmpty();
                assertThat(seen).isEmpty();

                // The next pass decides the same events again: they are recorded once, numbered from 1.
                List<ReleaseEvent> recorded = db.tx(c -> log.record(c, RELEASE, "shop",
                        List.of(pending("StepStarted"), pending("TrafficShifted"))));
                assertThat(seen).isEmpty();
                log.publish(recorded);
            }
            assertThat(log.since(RELEASE, "shop", 0)).extracting(ReleaseEvent::id, ReleaseEvent::type)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, "StepStarted"),
                            org.assertj.core.groups.Tuple.tuple(2L, "TrafficShifted"));
            assertThat(seen).extracting(ReleaseEvent::type).containsExactly("StepStarted", "TrafficShifted");
        }
    }

    private static EventLog.Pending pending(String type) {
        return new EventLog.Pending(type, Phase.Progressing, type + " happened", Map.of());
    }
}
