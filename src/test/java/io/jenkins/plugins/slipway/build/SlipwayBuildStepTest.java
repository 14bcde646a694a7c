package io.jenkins.plugins.slipway.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlipwayBuildStepTest {
    @Test
    void blankArgumentsMeanDefaults() {
        SlipwayBuildStep step = new SlipwayBuildStep(" registry.example/app ");
        step.setTags(Arrays.asList("", " ", null));
        step.setContext(".");
        step.setDockerfile("");
        step.setTarget(" ");
        step.setDockerHost("");
        step.setBuildArgs(Map.of());
        assertThat(step.getImage()).isEqualTo("registry.example/app");
        assertThat(step.getTags()).isEmpty();
        assertThat(step.getContext()).isNull();
        assertThat(step.getDockerfile()).isNull();
        assertThat(step.getTarget()).isNull();
        assertThat(step.getDockerHost()).isNull();
        assertThat(step.getBuildArgs()).isEmpty();
    }

    @Test
    void mapValuesKeepTheirText() {
        Map<String, String> raw = new LinkedHashMap<>();
        raw.put("VERSION", "1.2");
        raw.put("EMPTY", null);
        SlipwayBuildStep step = new SlipwayBuildStep("app");
        step.setBuildArgs(raw);
        assertThat(step.getBuildArgs()).containsEntry("VERSION", "1.2").containsEntry("EMPTY", "");
    }

    /**
     * What structs hands the setters for {@code buildArgs: [PORT: 8080]} or {@code labels: [x: true]}: the
     * Groovy map itself, values of any type behind the erased {@code Map} parameter.
     */
    @Test
    void numbersAndBooleansInMapsBecomeText() {
        SlipwayBuildStep step = new SlipwayBuildStep("app");
        step.setBuildArgs(groovyMap("PORT", 8080, "RATIO", 0.5));
        step.setLabels(groovyMap("x", true, "build", 42L));
        assertThat(step.getBuildArgs()).containsEntry("PORT", "8080").containsEntry("RATIO", "0.5");
        assertThat(step.getLabels()).containsEntry("x", "true").containsEntry("build", "42");
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Map groovyMap(Object... keysAndValues) {
        Map map = new LinkedHashMap();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @Test
    void descriptorNamesTheFunction() {
        SlipwayBuildStep.DescriptorImpl d = new SlipwayBuildStep.DescriptorImpl();
        assertThat(d.getFunctionName()).isEqualTo("slipwayBuild");
        assertThat(d.getRequiredContext()).hasSize(4);
    }
}
