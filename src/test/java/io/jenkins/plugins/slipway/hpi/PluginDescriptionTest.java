package io.jenkins.plugins.slipway.hpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The plugin's description on the plugin manager page: {@code index.jelly} at the root of the plugin jar.
 * maven-hpi-plugin 3.26 and later refuse to package a plugin without {@code src/main/resources/index.jelly}.
 */
class PluginDescriptionTest {
    @Test
    void indexJellyDescribesThePlugin() throws IOException {
        String jelly;
        try (InputStream in = PluginDescriptionTest.class.getResourceAsStream("/index.jelly")) {
            assertThat(in).as("src/main/resources/index.jelly").isNotNull();
            jelly = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(jelly).startsWith("<?jelly escape-by-default='true'?>")
                .contains("<div>")
                .containsIgnoringCase("slipway")
                .contains("slipwayBuild", "slipwayPush", "slipwayDeploy");
    }
}
