package io.jenkins.plugins.slipway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.build.SlipwayBuildStep;
import io.jenkins.plugins.slipway.deploy.DeployStep;
import io.jenkins.plugins.slipway.release.AbortStep;
import io.jenkins.plugins.slipway.release.PromoteStep;
import io.jenkins.plugins.slipway.push.SlipwayPushStep;
import io.jenkins.plugins.slipway.task.RunStep;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/** Every configurable class has its config.jelly (escaped by default) and a help file per field. */
class ViewsTest {
    @ParameterizedTest
    @ValueSource(classes = {SlipwayBuildStep.class, SlipwayPushStep.class, DeployStep.class, PromoteStep.class,
        AbortStep.class, RunStep.class, SlipwayConfiguration.class, DockerHost.class, Registry.class,
        ClusterRunner.class})
    void configPageAndHelpForEveryField(Class<?> type) throws IOException {
        String jelly = resource(type, "config.jelly");
        assertThat(jelly).as(type.getSimpleName() + "/config.jelly").isNotNull()
                .startsWith("<?jelly escape-by-default='true'?>");
        for (String field : fields(type)) {
            assertThat(resource(type, "help-" + field + ".html")).as(type.getSimpleName() + "/help-" + field + ".html").isNotNull();
        }
    }

    /**
     * Every credential ID field is the credentials plugin's drop-down ({@code <c:select/>}), filled and checked
     * by its descriptor, never a text box to type an ID into.
     */
    @ParameterizedTest
    @ValueSource(classes = {SlipwayPushStep.class, DockerHost.class, Registry.class, ClusterRunner.class})
    void credentialIdFieldsAreCredentialDropDowns(Class<?> type) throws IOException {
        String jelly = resource(type, "config.jelly");
        List<String> credentialFields = fields(type).stream()
                .filter(f -> f.toLowerCase(Locale.ROOT).endsWith("credentialsid")).toList();
        assertThat(credentialFields).as("credential ID fields of " + type.getSimpleName()).isNotEmpty();
        for (String field : credentialFields) {
            assertThat(jelly).as(type.getSimpleName() + "/config.jelly")
                    .contains("xmlns:c=\"/lib/credentials\"")
                    .containsPattern("<f:entry [^>]*field=\"" + field + "\"[^>]*>\\s*<c:select/>");
            String suffix = Character.toUpperCase(field.charAt(0)) + field.substring(1);
            List<String> methods = new ArrayList<>();
            for (Class<?> nested : type.getDeclaredClasses()) {
                for (Method m : nested.getMethods()) {
                    methods.add(m.getName());
                }
            }
            assertThat(methods).as(type.getSimpleName() + " descriptor").contains("doFill" + suffix + "Items", "doCheck" + suffix);
        }
    }

    /** Names bound by Stapler and structs: constructor parameters (compiled with -parameters) and setters. */
    static List<String> fields(Class<?> type) {
        List<String> fields = new ArrayList<>();
        for (Constructor<?> c : type.getConstructors()) {
            if (c.isAnnotationPresent(DataBoundConstructor.class)) {
                for (Parameter p : c.getParameters()) {
                    fields.add(p.getName());
                }
            }
        }
        for (Method m : type.getMethods()) {
            if (m.isAnnotationPresent(DataBoundSetter.class)) {
                String n = m.getName().substring(3);
                fields.add(Character.toLowerCase(n.charAt(0)) + n.substring(1));
            }
        }
        assertThat(fields).as("fields of " + type).isNotEmpty().noneMatch(f -> f.matches("arg\\d+"));
        return fields;
    }

    private static String resource(Class<?> type, String name) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + "/" + name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
