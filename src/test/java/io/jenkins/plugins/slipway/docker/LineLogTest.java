package io.jenkins.plugins.slipway.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineLogTest {
    @Test
    void writesWholeLinesAsSoonAsTheyAreComplete() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LineLog log = new LineLog(new PrintStream(bytes, true, StandardCharsets.UTF_8), "");
        log.append("Step 1/2 : FROM scr");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEmpty();
        log.append("atch\n ---> \nhalf");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("Step 1/2 : FROM scratch\n ---> \n");
        log.flush();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).endsWith("half\n");
    }
}
