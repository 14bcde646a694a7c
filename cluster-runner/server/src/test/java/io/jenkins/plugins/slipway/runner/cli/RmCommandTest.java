package io.jenkins.plugins.slipway.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RmCommandTest {
    @Test
    void aVolumeTheEngineLeftIsPrintedWithItsNodeAndHowToRemoveIt() {
        Map<String, Object> answer = Map.of("app", "shop", "deleted", true, "volumesRemoved", List.of("shop-cache"),
                "volumesLeft", List.of(Map.of("volume", "shop-data", "node", "slw-w2",
                        "reason", "remove it on node slw-w2 with: docker volume rm shop-data")));
        assertThat(RmCommand.report("shop", answer)).containsExactly(
                "shop removed",
                "volumes removed: [shop-cache]",
                "volume left: shop-data on node slw-w2: remove it on node slw-w2 with: docker volume rm shop-data");
    }

    @Test
    void keptVolumesSayHowToRemoveThem() {
        assertThat(RmCommand.report("shop", Map.of("app", "shop", "deleted", true, "volumesKept", List.of("shop-data"))))
                .containsExactly("shop removed", "volumes kept (rm shop --volumes removes them): [shop-data]");
    }
}
