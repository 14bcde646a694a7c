package io.jenkins.plugins.slipway.runner.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AppPatternTest {
    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource({
            "shop-*,   shop-web,     true",
            "shop-*,   shop-,        true",
            "shop-*,   shop,         false",
            "shop-*,   myshop-web,   false",
            "*,        anything,     true",
            "*-stg,    shop-stg,     true",
            "*-stg,    shop-prod,    false",
            "a*b*c,    aXXbYYc,      true",
            "a*b*c,    aXXbYY,       false",
            "shop,     shop,         true",
            "shop,     shop-web,     false",
            "**********,  abc,       true",
    })
    void matchesAsAGlob(String pattern, String app, boolean expected) {
        assertThat(new AppPattern(pattern).matches(app)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"Shop-*", "shop/*", "'../x'", "''", "-shop"})
    void refusesWhatIsNoAppPattern(String text) {
        assertThatThrownBy(() -> new AppPattern(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("app pattern");
    }
}
