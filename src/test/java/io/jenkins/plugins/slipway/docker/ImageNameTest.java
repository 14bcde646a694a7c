package io.jenkins.plugins.slipway.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageNameTest {
    @ParameterizedTest
    @CsvSource({
        "registry.example:5000/team/app, registry.example:5000",
        "127.0.0.1:5000/slipway-it/x, 127.0.0.1:5000",
        "localhost/app, localhost",
        "team/app, docker.io",
        "app, docker.io",
        "ghcr.io/org/app, ghcr.io",
    })
    void findsTheRegistry(String image, String registry) {
        assertThat(ImageName.parse(image).registry()).isEqualTo(registry);
        assertThat(ImageName.parse(image).repository()).isEqualTo(image);
    }

    @Test
    void refusesTagsDigestsAndBadNames() {
        assertThatThrownBy(() -> ImageName.parse("registry.example/app:1")).hasMessageContaining("without tag");
        assertThatThrownBy(() -> ImageName.parse("app@sha256:abc")).hasMessageContaining("without tag or digest");
        assertThatThrownBy(() -> ImageName.parse("Team/App")).hasMessageContaining("not a valid repository name");
        assertThatThrownBy(() -> ImageName.parse(" ")).hasMessageContaining("image is required");
    }

    @Test
    void checksTags() {
        assertThat(ImageName.checkTag("1.2.3-rc_1")).isEqualTo("1.2.3-rc_1");
        assertThatThrownBy(() -> ImageName.checkTag("-x")).hasMessageContaining("not valid");
        assertThatThrownBy(() -> ImageName.checkTag("a b")).hasMessageContaining("not valid");
    }
}
