package io.jenkins.plugins.slipway.runner.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A build section changes nothing when images: names the service, and is refused when it does not. */
class BuildSectionTest {
    private static final String COMPOSE = """
            services:
              web:
                image: registry.example/shop/web:latest
                build:
                  context: .
                  target: web
              db:
                image: registry.example/shop/db:16
            """;
    private final ComposeParser parser = new ComposeParser();

    @Test
    void theImageBuiltFromTheSectionRunsAndTheSectionIsAWarning() throws Exception {
        ParsedCompose parsed = parser.parse(COMPOSE, Map.of("web", "registry.example/shop/web@sha256:" + "a".repeat(64)));

        assertThat(parsed.warnings())
                .containsExactly("services.web.build: ignored: the service runs images.web, the image built from it");
        assertThat(parsed.spec().services().get("web").image()).endsWith("@sha256:" + "a".repeat(64));
    }

    @Test
    void withoutTheBuiltImageTheSectionIsRefused() {
        assertThatThrownBy(() -> parser.parse(COMPOSE, Map.of()))
                .isInstanceOfSatisfying(ComposeException.class, e -> assertThat(e.problems())
                        .extracting(p -> p.path() + ": " + p.message())
                        .containsExactly("services.web.build: the runner does not build images: build them with "
                                + "slipwayBuild compose: (or docker build), push them and pass the pushed reference as images.web"));
    }
}
