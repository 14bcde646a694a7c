package io.jenkins.plugins.slipway.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    @TempDir
    Path dir;

    @Test
    void parsesOptionsFlagsAndRepeats() {
        Args a = Args.parse(new String[] {"deploy", "shop", "-f", "c.yml", "--image", "web=a", "--image=api=b", "--watch"}, 1);
        assertThat(a.positional).containsExactly("shop");
        assertThat(a.get("--file", null)).isEqualTo("c.yml");
        assertThat(a.all("--image")).containsExactly("web=a", "api=b");
        assertThat(a.flag("--watch")).isTrue();
    }

    @Test
    void promoteTakesFullAsAFlagAndAbortAReason() {
        Args promote = Args.parse(new String[] {"promote", "shop-5-9c1e", "--full"}, 1);
        assertThat(promote.positional).containsExactly("shop-5-9c1e");
        assertThat(promote.flag("--full")).isTrue();
        Args abort = Args.parse(new String[] {"abort", "shop-5-9c1e", "--reason", "p99 too high"}, 1);
        assertThat(abort.get("--reason", null)).isEqualTo("p99 too high");
        assertThat(Main.USAGE).contains("promote RELEASE [--full]", "abort   RELEASE [--reason R]", "pause   RELEASE",
                "resume  RELEASE");
    }

    @Test
    void wrongUsageExitsTwoWithTheUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"frobnicate"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command frobnicate").contains("usage:");
    }

    @Test
    void clientWithoutTokenFileSaysWhatToDo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"apps", "--token-file", dir.resolve("none").toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("token file").contains("--token-file");
    }
}
