package io.jenkins.plugins.slipway.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import hudson.AbortException;
import io.jenkins.plugins.slipway.push.SlipwayPushStep;
import io.jenkins.plugins.slipway.standin.StandIn;
import io.jenkins.plugins.slipway.testing.DockerFixture;
import io.jenkins.plugins.slipway.testing.RegistryApi;
import io.jenkins.plugins.slipway.testing.TestStepContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * slipwayBuild compose: and slipwayPush build: against the real engine and the local registry: an unmodified
 * Compose file with build sections built service by service and pushed by digest, and what it refuses.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SlipwayBuildComposeIT {
    private static final String PREFIX = DockerFixture.REPO_PREFIX + "compose";
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    Path workspace;

    @BeforeEach
    void freshJenkins() throws Exception {
        StandIn.reset();
        String probe = String.valueOf(System.nanoTime());
        DockerFixture.context(workspace.resolve("app/web"), String.join("\n",
                "FROM scratch",
                "COPY busybox /bin/sh",
                "RUN echo \"web built " + probe + "\"",
                ""));
        DockerFixture.context(workspace.resolve("app/api"), "FROM scratch\n");
        Files.createDirectories(workspace.resolve("app/api/docker"));
        Files.writeString(workspace.resolve("app/api/docker/Dockerfile.prod"), String.join("\n",
                "FROM scratch AS base",
                "COPY busybox /bin/sh",
                "FROM base AS runtime",
                "ARG GREETING=unset",
                "RUN echo \"api greeting=$GREETING " + probe + "\"",
                "FROM base AS never",
                "RUN echo \"the stage after the target was built\"",
                ""));
    }

    @AfterAll
    static void removeImages() {
        DockerFixture.removeImages(PREFIX);
    }

    @Test
    void buildsEveryServiceWithABuildSectionAndPushesThemByDigest() throws Exception {
        Files.writeString(workspace.resolve("app/compose.yml"), """
                services:
                  web:
                    image: registry.example/team/web:ignored
                    build: ./web
                  api:
                    build:
                      context: api
                      dockerfile: docker/Dockerfile.prod
                      target: runtime
                      args:
                        GREETING: hello-from-compose
                      labels:
                        tier: backend
                  db:
                    image: postgres:16
                """);
        SlipwayBuildStep build = new SlipwayBuildStep(null);
        build.setCompose("app/compose.yml");
        build.setRepository(PREFIX + "/");
        build.setTags(List.of("c1"));
        TestStepContext buildCtx = TestStepContext.in(workspace.toFile());

        @SuppressWarnings("unchecked")
        Map<String, Object> built = (Map<String, Object>) buildCtx.run(build, STEP_TIMEOUT);

        assertThat(built).containsOnlyKeys("web", "api");
        assertThat(List.copyOf(built.keySet())).containsExactly("web", "api");
        Map<?, ?> api = (Map<?, ?>) built.get("api");
        assertThat(api.get("image")).isEqualTo(PREFIX + "/api");
        assertThat(api.get("references")).isEqualTo(List.of(PREFIX + "/api:c1"));
        String log = buildCtx.log();
        assertThat(log).containsPattern("(?m)^\\[web\\] web built \\d+$")
                .containsPattern("(?m)^\\[api\\] api greeting=hello-from-compose \\d+$")
                .contains("[slipwayBuild] services.db has no build section: not built")
                .doesNotContain("the stage after the target was built");
        assertThat(log.indexOf("[web] [slipwayBuild] Built ")).isPositive()
                .isLessThan(log.indexOf("[api] [slipwayBuild] Building "));
        try (DockerClient docker = DockerFixture.client()) {
            assertThat(docker.inspectImageCmd(PREFIX + "/api:c1").exec().getConfig().getLabels())
                    .containsEntry("tier", "backend");
            assertThat(docker.inspectImageCmd(PREFIX + "/web:c1").exec().getId()).isEqualTo(((Map<?, ?>) built.get("web")).get("id"));
        }

        SlipwayPushStep push = new SlipwayPushStep();
        push.setBuild(built);
        TestStepContext pushCtx = TestStepContext.in(workspace.toFile());
        @SuppressWarnings("unchecked")
        Map<String, String> pushed = (Map<String, String>) pushCtx.run(push, STEP_TIMEOUT);

        assertThat(List.copyOf(pushed.keySet())).containsExactly("web", "api");
        for (String service : List.of("web", "api")) {
            String digest = RegistryApi.manifestDigest(DockerFixture.REGISTRY, "slipway-it/compose/" + service, "c1", null, null);
            assertThat(pushed.get(service)).isEqualTo(PREFIX + "/" + service + "@" + digest);
            assertThat(pushCtx.log()).contains("[" + service + "] [slipwayPush] Pushed " + pushed.get(service));
        }
        assertThat(pushed.get("web")).isNotEqualTo(pushed.get("api"));
    }

    @Test
    void theServiceImageNamesTheRepositoryWhenNoPrefixIsGiven() throws Exception {
        Files.writeString(workspace.resolve("app/compose.yml"), """
                services:
                  web:
                    image: %s/own-web:from-file
                    build:
                      context: web
                """.formatted(PREFIX));
        SlipwayBuildStep build = new SlipwayBuildStep(null);
        build.setCompose("app/compose.yml");

        @SuppressWarnings("unchecked")
        Map<String, Object> built = (Map<String, Object>) TestStepContext.in(workspace.toFile()).run(build, STEP_TIMEOUT);

        assertThat(((Map<?, ?>) built.get("web")).get("references")).isEqualTo(List.of(PREFIX + "/own-web:from-file"));
    }

    @Test
    void badSectionsAreRefusedBeforeAnythingIsBuilt() throws Exception {
        Files.writeString(workspace.resolve("app/compose.yml"), """
                services:
                  web:
                    build: ./web
                  api:
                    build:
                      context: ../../outside
                      dockerfile_inline: "FROM scratch"
                """);
        SlipwayBuildStep build = new SlipwayBuildStep(null);
        build.setCompose("app/compose.yml");
        build.setRepository(PREFIX + "-refused");

        assertThatThrownBy(() -> TestStepContext.in(workspace.toFile()).run(build, STEP_TIMEOUT))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("services.api.build.context '../../outside' is outside the workspace")
                .hasMessageContaining("services.api.build.dockerfile_inline is not supported by slipwayBuild");
        assertThat(imagesUnder(PREFIX + "-refused")).isEmpty();
    }

    @Test
    void aFailingBuildNamesItsServiceAndWhatWasBuiltBeforeIt() throws Exception {
        Files.createDirectories(workspace.resolve("app/broken"));
        Files.copy(workspace.resolve("app/web/busybox"), workspace.resolve("app/broken/busybox"));
        Files.writeString(workspace.resolve("app/broken/Dockerfile"), "FROM scratch\nCOPY busybox /bin/sh\nRUN exit 3\n");
        Files.writeString(workspace.resolve("app/compose.yml"), """
                services:
                  web:
                    build: ./web
                  broken:
                    build: ./broken
                """);
        SlipwayBuildStep build = new SlipwayBuildStep(null);
        build.setCompose("app/compose.yml");
        build.setRepository(PREFIX);

        assertThatThrownBy(() -> TestStepContext.in(workspace.toFile()).run(build, STEP_TIMEOUT))
                .isInstanceOf(AbortException.class)
                .hasMessageStartingWith("slipwayBuild: service 'broken' of app/compose.yml: app/broken/Dockerfile:3: RUN failed")
                .hasMessageEndingWith("(built before it: web)");
    }

    private static List<String> imagesUnder(String prefix) {
        try (DockerClient docker = DockerFixture.client()) {
            return docker.listImagesCmd().exec().stream()
                    .filter(i -> i.getRepoTags() != null)
                    .flatMap(i -> java.util.Arrays.stream(i.getRepoTags()))
                    .filter(t -> t.startsWith(prefix))
                    .toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
