package io.jenkins.plugins.slipway.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How slipwayBuild compose: reads build sections: both forms, paths, and what it refuses. */
class ComposeBuildSectionsTest {
    private static ComposeBuildSections.Parsed parse(String yaml) throws AbortException {
        return ComposeBuildSections.parse(yaml, "app/compose.yml", Map.of("COMMIT", "abc123"));
    }

    @Test
    void longFormKeysArriveAndPathsAreRelativeToTheComposeFile() throws Exception {
        ComposeBuildSections.Parsed parsed = parse("""
                services:
                  api:
                    image: 127.0.0.1:5000/shop/api:1.0
                    build:
                      context: ./api
                      dockerfile: docker/Dockerfile.prod
                      args:
                        VERSION: 2
                        COMMIT:
                      target: runtime
                      labels: ["team=payments", "tier=backend"]
                      cache_from: [127.0.0.1:5000/shop/api:cache]
                      no_cache: true
                  db:
                    image: postgres
                """);

        assertThat(parsed.builds()).containsExactly(new ServiceBuild("api", "127.0.0.1:5000/shop/api:1.0", "app/api",
                "app/api/docker/Dockerfile.prod", Map.of("VERSION", "2", "COMMIT", "abc123"), "runtime",
                Map.of("team", "payments", "tier", "backend"), List.of("127.0.0.1:5000/shop/api:cache"), false, true));
        assertThat(parsed.notes()).containsExactly("services.db has no build section: not built");
    }

    @Test
    void shortFormIsTheContext() throws Exception {
        ComposeBuildSections.Parsed parsed = parse("""
                services:
                  web:
                    build: .
                  worker:
                    build: ../worker
                """);

        assertThat(parsed.builds()).extracting(ServiceBuild::service, ServiceBuild::context, ServiceBuild::dockerfile)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("web", "app", null),
                        org.assertj.core.groups.Tuple.tuple("worker", "worker", null));
    }

    @Test
    void argsWithoutValueOutsideTheEnvironmentAreLeftToTheDockerfileAndSaidSo() throws Exception {
        ComposeBuildSections.Parsed parsed = parse("""
                services:
                  web:
                    build:
                      args: [UNSET_ONE, "SET=1"]
                """);

        assertThat(parsed.builds().get(0).args()).isEqualTo(Map.of("SET", "1"));
        assertThat(parsed.notes()).contains("services.web.build.args.UNSET_ONE has no value and the build's environment "
                + "has no UNSET_ONE: the Dockerfile's default applies");
    }

    @Test
    void everyProblemIsNamedByItsFieldPath() {
        assertThatThrownBy(() -> parse("""
                services:
                  web:
                    build:
                      context: ../../elsewhere
                      ssh: [default]
                  api:
                    build:
                      context: .
                      dockerfile: /etc/Dockerfile
                      secrets: [token]
                  git:
                    build: https://github.com/example/app.git
                """))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("services.web.build.context '../../elsewhere' is outside the workspace")
                .hasMessageContaining("services.web.build.ssh is not supported by slipwayBuild")
                .hasMessageContaining("services.api.build.dockerfile '/etc/Dockerfile' is an absolute path")
                .hasMessageContaining("services.api.build.secrets is not supported by slipwayBuild")
                .hasMessageContaining("services.git.build 'https://github.com/example/app.git' is a remote context")
                .hasMessageEndingWith("nothing was built");
    }

    @Test
    void interpolationIsRefusedRatherThanBuiltLiterally() {
        assertThatThrownBy(() -> parse("""
                services:
                  web:
                    build:
                      args:
                        VERSION: ${GIT_COMMIT}
                """))
                .hasMessageContaining("services.web.build.args.VERSION '${GIT_COMMIT}' uses variable interpolation");
    }

    @Test
    void aFileWithoutBuildSectionsSaysSo() {
        assertThatThrownBy(() -> parse("""
                services:
                  web:
                    image: nginx
                  db:
                    image: postgres
                """))
                .isInstanceOf(AbortException.class)
                .hasMessage("slipwayBuild: no service in app/compose.yml has a build section (services.web, services.db); "
                        + "nothing to build");
    }

    @Test
    void cacheToChangesNothingAndIsNoted() throws Exception {
        ComposeBuildSections.Parsed parsed = parse("""
                services:
                  web:
                    build:
                      context: .
                      cache_to: [type=inline]
                      x-team: payments
                """);

        assertThat(parsed.notes()).contains("services.web.build.cache_to ignored: it only says where to export the build cache");
    }

    @Test
    void wrongShapesAreRefused() {
        assertThatThrownBy(() -> parse("""
                services:
                  web:
                    build:
                      args: VERSION=1
                      cache_from: registry/app:cache
                      pull: "yes"
                """))
                .hasMessageContaining("services.web.build.args must be a mapping or a list of KEY=VALUE")
                .hasMessageContaining("services.web.build.cache_from must be a list of image references")
                .hasMessageContaining("services.web.build.pull must be true or false");
    }
}
