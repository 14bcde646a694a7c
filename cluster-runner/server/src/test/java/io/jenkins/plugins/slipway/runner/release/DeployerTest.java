package io.jenkins.plugins.slipway.runner.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.client.DeployResponse;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.compose.SpecCache;
import io.jenkins.plugins.slipway.runner.events.EventLog;
import io.jenkins.plugins.slipway.runner.store.AppRepository;
import io.jenkins.plugins.slipway.runner.store.Database;
import io.jenkins.plugins.slipway.runner.store.ReleaseRecord;
import io.jenkins.plugins.slipway.runner.store.ReleaseRepository;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a deploy plans for one-shot services and for {@code depends_on} with {@code restart: true}. */
class DeployerTest {
    private static final String APP = "shop";

    @TempDir
    Path dir;
    private Database db;
    private final AppRepository apps = new AppRepository();
    private final ReleaseRepository releases = new ReleaseRepository();
    private Deployer deployer;

    @BeforeEach
    void open() throws Exception {
        db = Database.open(dir);
        deployer = new Deployer(db, apps, releases, new SpecCache(db, apps), new EventLog(db, releases),
                Strategies.defaults());
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static String app(String dbImage, String migrateImage, String restart) {
        return """
                services:
                  web:
                    image: web:1
                    depends_on:
                      migrate: {condition: service_completed_successfully}
                      db: {condition: service_healthy, restart: %s}
                  migrate:
                    image: %s
                    depends_on: [db]
                  db:
                    image: %s
                """.formatted(restart, migrateImage, dbImage);
    }

    /** Deploys and ends the release at once, as if it had succeeded with every replica of its plan running. */
    private Map<String, Integer> deploy(String compose) throws Exception {
        DeployResponse r = deployer.deploy(APP, compose, Map.of(), null);
        return db.tx(c -> {
            ReleaseRecord release = releases.find(c, r.release()).orElseThrow();
            ReleaseProgress progress = ReleaseProgress.read(release.state());
            List<ReplicaSet> sets = progress.plan.stream().filter(s -> s.toRevision() != null)
                    .map(s -> new ReplicaSet(APP, s.service(), s.toRevision(), s.newTarget(), 100)).toList();
            List<ReplicaSet> kept = apps.replicaSets(c, APP).stream()
                    .filter(k -> sets.stream().noneMatch(s -> s.service().equals(k.service()))).toList();
            apps.saveReplicaSets(c, APP, java.util.stream.Stream.concat(kept.stream(), sets.stream()).toList());
            releases.save(c, release.with(Phase.Succeeded, release.stepCount(), 100, "done", release.state()));
            return apps.revision(c, APP, r.revision()).orElseThrow().serviceRevisions();
        });
    }

    private List<String> plannedServices() {
        return db.tx(c -> {
            String id = apps.find(c, APP).orElseThrow().currentRelease();
            return ReleaseProgress.read(releases.find(c, id).orElseThrow().state()).plan.stream()
                    .map(RollingStep::service).distinct().toList();
        });
    }

    @Test
    void aOneShotServiceIsNeverPlannedAsReplicas() throws Exception {
        deploy(app("db:1", "web:1", "false"));

        assertThat(plannedServices()).containsExactly("db", "web");
    }

    @Test
    void restartTrueReplacesTheDependantWhenItsDependencyChanges() throws Exception {
        Map<String, Integer> first = deploy(app("db:1", "web:1", "true"));
        Map<String, Integer> second = deploy(app("db:2", "web:1", "true"));

        assertThat(second.get("db")).isEqualTo(2);
        assertThat(second.get("web")).as("restarted with db").isEqualTo(2);
        assertThat(plannedServices()).containsExactly("db", "web");
        Map<String, Integer> third = deploy(app("db:2", "web:2", "true"));
        assertThat(third.get("web")).as("a change of migrate alone restarts nothing").isEqualTo(second.get("web"));
        assertThat(first.get("web")).isEqualTo(1);
    }

    @Test
    void withoutRestartTheDependantKeepsRunning() throws Exception {
        deploy(app("db:1", "web:1", "false"));
        Map<String, Integer> second = deploy(app("db:2", "web:1", "false"));

        assertThat(second.get("db")).isEqualTo(2);
        assertThat(second.get("web")).isEqualTo(1);
        assertThat(plannedServices()).containsExactly("db");
    }
}
