package io.jenkins.plugins.slipway.runner.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.compose.ComposeParser;
import io.jenkins.plugins.slipway.runner.compose.FileInputs;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An engine without secrets of its own refuses external ones at deploy, once per definition, naming it. */
class ExternalFilesTest {
    private static AppSpec spec(String compose, FileInputs inputs) throws Exception {
        return new ComposeParser().parse(compose, Map.of(), inputs).spec();
    }

    @Test
    void eachExternalDefinitionAServiceMountsIsRefusedOnceWithWhatToDoInstead() throws Exception {
        AppSpec spec = spec("""
                services:
                  web: {image: web:1, secrets: [db], configs: [site]}
                  worker: {image: worker:1, secrets: [db, token]}
                secrets:
                  db: {external: true, name: shop_db}
                  token: {environment: TOKEN}
                configs:
                  site: {external: true}
                """, new FileInputs(Map.of("token", "hmac-sha256:aa"), Map.of(), Map.of()));

        assertThat(ExternalFiles.refusals(spec, "the docker engine keeps no secrets or configs of its own"))
                .extracting(ApiError.Problem::path).containsExactly("secrets.db.external", "configs.site.external");
        assertThat(ExternalFiles.refusals(spec, "the docker engine keeps none").get(0).message())
                .contains("the docker engine keeps none").contains("file:, environment: or x-slipway.credentialsId:")
                .contains("--engine swarm");
    }

    @Test
    void valuesTheRunnerHoldsAreNotRefused() throws Exception {
        AppSpec spec = spec("""
                services:
                  web: {image: web:1, secrets: [token]}
                secrets:
                  token: {environment: TOKEN}
                """, new FileInputs(Map.of("token", "hmac-sha256:aa"), Map.of(), Map.of()));

        assertThat(ExternalFiles.refusals(spec, "none")).isEmpty();
    }
}
