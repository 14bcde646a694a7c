package io.jenkins.plugins.slipway.runner.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data dir written by the runner before Flyway (main at ced5410, its own migration runner and
 * {@code schema_version} table) opens in this runner with its apps, revisions, releases and events intact.
 * <p>
 * The fixture {@code store/runner-ced5410.mv.db} was made with that runner's jar: {@code serve}, then
 * {@code deploy cli-upgrade -f compose.yml --watch} (revision 1, release cli-upgrade-1-3550) and the same with
 * {@code --image web=cli-upgrade-web:v2} (revision 2, release cli-upgrade-2-db5b), both rolling and Succeeded,
 * then SIGTERM.
 */
class UpgradeTest {
    @TempDir
    Path dir;

    private final AppRepository apps = new AppRepository();
    private final ReleaseRepository releases = new ReleaseRepository();

    @BeforeEach
    void oldDataDir() throws IOException {
        try (InputStream in = UpgradeTest.class.getResourceAsStream("/store/runner-ced5410.mv.db")) {
            assertThat(in).as("fixture store/runner-ced5410.mv.db").isNotNull();
            Files.copy(in, dir.resolve("runner.mv.db"));
        }
    }

    @Test
    void theOldDatabaseOpensWithItsAppsAndReleasesIntact() throws Exception {
        try (Database db = Database.open(dir)) {
            AppRecord app = db.tx(c -> apps.find(c, "cli-upgrade")).orElseThrow();
            assertThat(app).isEqualTo(new AppRecord("cli-upgrade", 2, 2, "cli-upgrade-2-db5b"));
            assertThat(db.tx(c -> apps.revision(c, "cli-upgrade", 1)).orElseThrow().compose()).contains("cli-upgrade-web:v1");
            assertThat(db.tx(c -> apps.revision(c, "cli-upgrade", 2)).orElseThrow().images())
                    .containsEntry("web", "cli-upgrade-web:v2");
            List<ReplicaSet> sets = db.tx(c -> apps.replicaSets(c, "cli-upgrade"));
            assertThat(sets).containsExactly(new ReplicaSet("cli-upgrade", "web", 2, 1, 100));
            for (String id : List.of("cli-upgrade-1-3550", "cli-upgrade-2-db5b")) {
                ReleaseRecord release = db.tx(c -> releases.find(c, id)).orElseThrow();
                assertThat(release.phase()).as(id).isEqualTo(Phase.Succeeded);
                List<ReleaseEvent> events = db.tx(c -> releases.events(c, id, "cli-upgrade", 0));
                assertThat(events.get(0).type()).isEqualTo("ReleaseStarted");
                assertThat(events.get(events.size() - 1).type()).isEqualTo("ReleaseSucceeded");
            }
            assertThat(db.tx(releases::active)).isEmpty();
            assertThat(db.tx(new RestartRepository()::all)).isEmpty();
        }
        assertThat(history()).as("adopted at the old runner's last version; only the migrations newer than it applied")
                .containsExactly("2 BASELINE adopted from schema_version (runner before Flyway)", "4 SQL tokens audit");

        try (Database db = Database.open(dir)) {
            java.util.Optional<AppRecord> app = db.tx(c -> apps.find(c, "cli-upgrade"));
            assertThat(app).isPresent();
        }
        assertThat(history()).as("a second open changes nothing").hasSize(2);
    }

    @Test
    void aMigrationNewerThanTheOldDatabaseIsAppliedAfterTheBaseline() throws Exception {
        Migrations.apply(url(), "slipway", "", Migrations.LOCATION, "classpath:store/later");
        assertThat(history()).containsExactly("2 BASELINE adopted from schema_version (runner before Flyway)",
                "4 SQL tokens audit", "900 SQL later migration");
        try (Connection c = DriverManager.getConnection(url(), "slipway", "");
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM later_migration")) {
            assertThat(rs.next()).isTrue();
        }
    }

    private String url() {
        return "jdbc:h2:file:" + dir.resolve("runner").toAbsolutePath();
    }

    /** Flyway's history: "version type description" per row, in order. */
    private List<String> history() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url(), "slipway", "");
             ResultSet rs = c.createStatement().executeQuery("SELECT \"version\", \"type\", \"description\", \"success\""
                     + " FROM \"flyway_schema_history\" WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
            while (rs.next()) {
                assertThat(rs.getBoolean(4)).isTrue();
                rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
            }
        }
        return rows;
    }
}
