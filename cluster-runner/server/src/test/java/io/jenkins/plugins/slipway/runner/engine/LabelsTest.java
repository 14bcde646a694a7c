package io.jenkins.plugins.slipway.runner.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LabelsTest {

    @Test
    void engineNamesCarryTheRunnerSoTwoRunnersNeverWantTheSameName() {
        String key = Labels.containerName("shop", "web", 5, 1);
        assertThat(key).isEqualTo("slipway-shop-web-5-1");
        assertThat(Labels.engineName(key, "a1b2c3d4e5f6")).isEqualTo("slipway-shop-web-5-1-a1b2c3d4e5f6");
        assertThat(Labels.engineName(key, "a1b2c3d4e5f6")).isNotEqualTo(Labels.engineName(key, "0f0f0f0f0f0f"));
    }

    @Test
    void theKeyOfANameThisRunnerGaveIsTheReplicaKeyAndAnyOtherNameStaysAsItIs() {
        assertThat(Labels.keyOf("slipway-shop-web-5-1-a1b2c3d4e5f6", "a1b2c3d4e5f6")).isEqualTo("slipway-shop-web-5-1");
        assertThat(Labels.keyOf("slipway-shop-web-5-1-0f0f0f0f0f0f", "a1b2c3d4e5f6"))
                .isEqualTo("slipway-shop-web-5-1-0f0f0f0f0f0f");
        assertThat(Labels.keyOf("it-dup-impostor", "a1b2c3d4e5f6")).isEqualTo("it-dup-impostor");
    }
}
