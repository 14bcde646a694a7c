package io.jenkins.plugins.slipway.runner.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.slipway.runner.Json;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec.UpdateConfig.Order;
import io.jenkins.plugins.slipway.runner.release.plan.AnalysisState;
import io.jenkins.plugins.slipway.runner.release.plan.PauseReason;
import io.jenkins.plugins.slipway.runner.release.plan.Promotion;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import org.junit.jupiter.api.Test;

/** The typed progress reads the release state rows earlier runner versions saved, and saves the same keys. */
class ReleaseProgressTest {

    /** A canary paused at its second step, as the untyped state of the previous version saved it. */
    private static final String SAVED_CANARY = """
            {"lead":"web","warnings":[],"services":[{"service":"web","from":1,"to":2,"replicas":3}],
             "original":[{"app":"shop","service":"web","revision":1,"replicas":3,"weight":100}],
             "index":1,"weight":20,"scale":{"replicas":1,"weight":null,"matchTrafficWeight":false},
             "pauseStartedAt":1700000000000,"pauseReason":"Step","announced":2,"reported":["web-2-1"],
             "analysis":{"Background":{"status":"Running","message":null}},"somethingNewer":true}""";

    /** A rolling release rolling back, as the previous version saved it. */
    private static final String SAVED_ROLLING = """
            {"plan":[{"service":"web","fromRevision":1,"toRevision":2,"newTarget":1,"oldTarget":2,"order":"START_FIRST"}],
             "original":[{"app":"shop","service":"web","revision":1,"replicas":3,"weight":100}],"index":0,
             "stage":"start","since":42,"reported":["started:web-2-1"],
             "rollback":{"reason":"aborted: by hand","aborted":true,"since":43,"stage":"restore"}}""";

    @Test
    void readsACanarySavedByThePreviousVersion() {
        ReleaseProgress p = ReleaseProgress.read(SAVED_CANARY);
        assertThat(p.lead).isEqualTo("web");
        assertThat(p.services).containsExactly(new GrayService("web", 1, 2, 3));
        assertThat(p.original).containsExactly(new ReplicaSet("shop", "web", 1, 3, 100));
        assertThat(p.index).isEqualTo(1);
        assertThat(p.weight).isEqualTo(20);
        assertThat(p.scale.replicas()).isEqualTo(1);
        assertThat(p.pauseReason).isEqualTo(PauseReason.Step);
        assertThat(p.pauseStartedAt).isEqualTo(1_700_000_000_000L);
        assertThat(p.announced).isEqualTo(2);
        assertThat(p.reported()).containsExactly("web-2-1");
        assertThat(p.analysis().get("Background").status()).isEqualTo(AnalysisState.Status.Running);
        assertThat(p.rollback).isNull();
    }

    @Test
    void readsARollingRollbackSavedByThePreviousVersion() {
        ReleaseProgress p = ReleaseProgress.read(SAVED_ROLLING);
        assertThat(p.plan).singleElement().satisfies(s -> {
            assertThat(s.newTarget()).isEqualTo(1);
            assertThat(s.order()).isEqualTo(Order.START_FIRST);
        });
        assertThat(p.stage).isEqualTo("start");
        assertThat(p.since).isEqualTo(42L);
        assertThat(p.rollback.reason).isEqualTo("aborted: by hand");
        assertThat(p.rollback.aborted).isTrue();
        assertThat(p.rollback.stage).isEqualTo("restore");
        assertThat(p.rollback.stableRestored).isNull();
    }

    @Test
    void savesTheKeysTheStateColumnHasAlwaysHad() {
        ReleaseProgress p = ReleaseProgress.read(SAVED_CANARY);
        p.promotion = Promotion.Next;
        JsonNode saved = Json.read(p.write(), JsonNode.class);
        JsonNode before = Json.read(SAVED_CANARY, JsonNode.class);
        for (String key : new String[] {"lead", "services", "original", "index", "weight", "scale", "pauseStartedAt",
                "pauseReason", "announced", "reported", "analysis"}) {
            assertThat(saved.get(key)).as(key).isEqualTo(before.get(key));
        }
        assertThat(saved.get("promotion").asText()).isEqualTo("Next");
        assertThat(saved.has("rollback")).as("absent fields are not written").isFalse();
        assertThat(ReleaseProgress.read(null).index).isNull();
    }
}
