package io.jenkins.plugins.slipway.runner.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
    @TempDir
    Path dir;

    @Test
    void migratesOnceAndKeepsDataAcrossReopen() throws Exception {
        AppRepository apps = new AppRepository();
        ReleaseRepository releases = new ReleaseRepository();
        try (Database db = Database.open(dir)) {
            db.tx(c -> {
                apps.save(c, new AppRecord("shop", 1, 1, "shop-1-abcd"));
                apps.saveRevision(c, new RevisionRecord("shop", 1, "services: {}", Map.of("web", "img"), "h",
                        Map.of("web", 1), null));
                apps.saveReplicaSets(c, "shop", List.of(new ReplicaSet("shop", "web", 1, 3, 100)));
                releases.save(c, new ReleaseRecord("shop-1-abcd", "shop", null, 1, "rolling", Phase.Progressing, 1, 1,
                        0, "step 1/1", "{}"));
                releases.appendEvent(c, new ReleaseEvent(1, "ReleaseStarted", "shop-1-abcd", "shop",
                        "2026-01-01T00:00:00Z", Phase.Pending, "release started", Map.of("toRevision", 1)));
                return null;
            });
        }
        try (Database db = Database.open(dir)) {
            List<String> versions = db.tx(c -> {
                List<String> applied = new java.util.ArrayList<>();
                try (ResultSet rs = c.createStatement().executeQuery(
                        "SELECT \"version\", \"success\" FROM \"flyway_schema_history\" WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
                    while (rs.next()) {
                        assertThat(rs.getBoolean(2)).isTrue();
                        applied.add(rs.getString(1));
                    }
                }
                return applied;
            });
            assertThat(versions).as("each script applied once, in order").startsWith("1", "2").doesNotHaveDuplicates();
            java.util.Optional<AppRecord> app = db.tx(c -> apps.find(c, "shop"));
            assertThat(app).contains(new AppRecord("shop", 1, 1, "shop-1-abcd"));
            List<ReplicaSet> sets = db.tx(c -> apps.replicaSets(c, "shop"));
            assertThat(sets).containsExactly(new ReplicaSet("shop", "web", 1, 3, 100));
            assertThat(db.tx(c -> apps.revision(c, "shop", 1)).orElseThrow().images()).containsEntry("web", "img");
            assertThat(db.tx(releases::active)).extracting(ReleaseRecord::id).containsExactly("shop-1-abcd");
            List<ReleaseEvent> events = db.tx(c -> releases.events(c, "shop-1-abcd", "shop", 0));
            assertThat(events).singleElement().satisfies(e -> {
                assertThat(e.message()).isEqualTo("release started");
                assertThat(e.data()).containsEntry("toRevision", 1);
            });
            long last = db.tx(c -> releases.lastSequence(c, "shop-1-abcd"));
            assertThat(last).isEqualTo(1);
        }
    }

    @Test
    void restartAttemptsSurviveAReopenAndGoWithTheirSlotOrApp() throws Exception {
        AppRepository apps = new AppRepository();
        RestartRepository restarts = new RestartRepository();
        RestartRecord web1 = new RestartRecord("shop", "web", 2, 1, 3, 1_700_000_000_123L);
        RestartRecord web2 = new RestartRecord("shop", "web", 2, 2, 1, 0);
        RestartRecord other = new RestartRecord("blog", "web", 1, 1, 2, 0);
        try (Database db = Database.open(dir)) {
            db.tx(c -> {
                apps.save(c, new AppRecord("shop", 2, 2, null));
                apps.save(c, new AppRecord("blog", 1, 1, null));
                restarts.save(c, new RestartRecord("shop", "web", 2, 1, 2, 0));
                restarts.save(c, web1); // the same slot again: replaces the first row
                restarts.save(c, web2);
                restarts.save(c, other);
                return null;
            });
        }
        try (Database db = Database.open(dir)) {
            assertThat(db.tx(restarts::all)).containsExactly(other, web1, web2);
            db.tx(c -> {
                restarts.delete(c, "shop", "web", 2, 2);
                restarts.delete(c, "shop", "web", 9, 9); // absent: not an error
                return null;
            });
            assertThat(db.tx(restarts::all)).containsExactly(other, web1);
            db.tx(c -> {
                apps.delete(c, "shop");
                return null;
            });
            assertThat(db.tx(restarts::all)).containsExactly(other);
        }
    }

    @Test
    void aFailedTransactionWritesNothing() throws Exception {
        AppRepository apps = new AppRepository();
        try (Database db = Database.open(dir)) {
            try {
                db.tx(c -> {
                    apps.save(c, new AppRecord("shop", 1, 1, null));
                    throw new IllegalStateException("boom");
                });
            } catch (IllegalStateException expected) {
                // the point of the test
            }
            java.util.Optional<AppRecord> app = db.tx(c -> apps.find(c, "shop"));
            assertThat(app).isEmpty();
        }
    }
}
