package io.jenkins.plugins.slipway.runner.routing.netty;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CookiesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "a=1                       | a   | 1",
            "a=1; b=2                  | b   | 2",
            "a=1;b=2                   | b   | 2",
            "ab=1; b=2                 | b   | 2",
            "b=; a=1                   | b   | ''",
            "x=\"quoted\"              | x   | quoted",
            "a=1; b=2                  | c   | NULL",
            "NULL                      | a   | NULL",
            "slipway-rev-shop_web=3    | slipway-rev-shop_web | 3",
            "aa=1                      | a   | NULL",
    })
    void readsOneCookieValue(String header, String name, String expected) {
        assertThat(Cookies.value(header, name)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "shop/web  | slipway-rev-shop_web",
            "a b;c=d   | slipway-rev-a_b_c_d",
            "plain-1.x | slipway-rev-plain-1.x",
    })
    void stickyCookieNameIsAValidCookieName(String route, String expected) {
        assertThat(Cookies.stickyName(route)).isEqualTo(expected);
    }
}
