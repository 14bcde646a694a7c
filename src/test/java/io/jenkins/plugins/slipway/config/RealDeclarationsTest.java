package io.jenkins.plugins.slipway.config;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.AbstractDescribableImpl;
import hudson.model.Describable;
import hudson.model.Job;
import io.jenkins.plugins.slipway.build.SlipwayBuildStep;
import io.jenkins.plugins.slipway.deploy.DeployStep;
import io.jenkins.plugins.slipway.push.SlipwayPushStep;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * What compiles offline must link and behave inside a real Jenkins 2.541.3: the stand-in's declarations the
 * plugin depends on are the real ones, and the plugin avoids what core deprecates.
 */
class RealDeclarationsTest {
    /** Core declares getFullName() final in AbstractItem; a stand-in that let it be overridden would lie. */
    @Test
    void jobFullNameIsFinalAndIncludesTheFolders() throws NoSuchMethodException {
        Method fullName = Job.class.getMethod("getFullName");
        assertThat(Modifier.isFinal(fullName.getModifiers())).as("Job.getFullName() is final").isTrue();
        var folder = new io.jenkins.plugins.slipway.testing.TestFolder("shop");
        assertThat(new io.jenkins.plugins.slipway.testing.TestJob(folder, "deploy").getFullName()).isEqualTo("shop/deploy");
        assertThat(new io.jenkins.plugins.slipway.testing.TestJob("deploy").getFullName()).isEqualTo("deploy");
    }

    /** AbstractDescribableImpl is deprecated since 2.505: Describable's default getDescriptor() does its job. */
    @ParameterizedTest
    @ValueSource(classes = {ClusterRunner.class, DockerHost.class, Registry.class})
    void configurationClassesAreDescribableWithoutTheDeprecatedBase(Class<?> type) throws NoSuchMethodException {
        assertThat(AbstractDescribableImpl.class.isAssignableFrom(type)).as(type.getSimpleName()).isFalse();
        assertThat(Describable.class.isAssignableFrom(type)).isTrue();
        assertThat(Describable.class.getMethod("getDescriptor").isDefault()).isTrue();
        assertThat(AbstractDescribableImpl.class.getAnnotation(Deprecated.class)).isNotNull()
                .extracting(Deprecated::since).isEqualTo("2.505");
    }

    /**
     * structs cannot describe a Map parameter, so the Pipeline Syntax reference has nothing to show for it but
     * its help: every map-typed argument's help shows the map form, {@code field: [key: value]}.
     */
    @ParameterizedTest
    @ValueSource(classes = {SlipwayBuildStep.class, SlipwayPushStep.class, DeployStep.class})
    void mapArgumentsHaveHelpShowingTheMapForm(Class<?> type) throws IOException {
        int maps = 0;
        for (Method m : type.getMethods()) {
            if (m.isAnnotationPresent(DataBoundSetter.class) && Map.class.isAssignableFrom(m.getParameterTypes()[0])) {
                maps++;
                String field = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
                String help = resource(type, "help-" + field + ".html");
                assertThat(help).as(type.getSimpleName() + "/help-" + field + ".html").isNotNull()
                        .containsPattern("<code>" + field + ": \\[[^\\]<]*:[^<]*\\]</code>");
            }
        }
        assertThat(maps).as("map-typed arguments of " + type.getSimpleName()).isPositive();
    }

    private static String resource(Class<?> type, String name) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + "/" + name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
