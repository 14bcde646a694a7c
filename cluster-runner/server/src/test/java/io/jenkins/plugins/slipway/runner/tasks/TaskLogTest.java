package io.jenkins.plugins.slipway.runner.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.client.TaskLine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskLogTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Records what a reader is told. */
    private static final class Recorder implements TaskLog.Reader {
        final List<TaskLine> lines = new ArrayList<>();
        int ends;

        @Override
        public void line(TaskLine line) {
            lines.add(line);
        }

        @Override
        public void ended() {
            ends++;
        }
    }

    @Test
    void linesSplitAcrossPiecesAndCharactersSplitAcrossPiecesComeOutWhole() {
        TaskLog log = new TaskLog();
        byte[] text = utf8("grüße\r\nzwei");
        log.write(false, Arrays.copyOfRange(text, 0, 3)); // cuts the ü in half
        log.write(false, Arrays.copyOfRange(text, 3, text.length));
        log.write(true, utf8("err"));
        log.write(false, utf8(" teile\n"));
        log.end();

        assertThat(log.lines()).containsExactly(
                new TaskLine(1, "stdout", "grüße"),
                new TaskLine(2, "stdout", "zwei teile"),
                new TaskLine(3, "stderr", "err"));
    }

    @Test
    void aReaderGetsTheLinesAfterItsStartThenTheNewOnesThenTheEndOnce() {
        TaskLog log = new TaskLog();
        log.write(false, utf8("a\nb\nc\n"));
        Recorder r = new Recorder();
        log.follow(1, r);
        log.write(false, utf8("d\n"));
        log.end();
        log.end();

        assertThat(r.lines).extracting(TaskLine::text).containsExactly("b", "c", "d");
        assertThat(r.ends).isEqualTo(1);
        Recorder late = new Recorder();
        log.follow(0, late);
        assertThat(late.lines).extracting(TaskLine::id).containsExactly(1L, 2L, 3L, 4L);
        assertThat(late.ends).isEqualTo(1);
    }

    @Test
    void aReaderThatStoppedFollowingIsToldNothingMore() throws Exception {
        TaskLog log = new TaskLog();
        Recorder r = new Recorder();
        AutoCloseable following = log.follow(0, r);
        log.write(false, utf8("one\n"));
        following.close();
        log.write(false, utf8("two\n"));
        log.end();
        assertThat(r.lines).extracting(TaskLine::text).containsExactly("one");
        assertThat(r.ends).isZero();
    }

    @Test
    void anEndlessLineIsCutAndAnEndlessLogIsCappedWithOneLineSayingSo() {
        TaskLog log = new TaskLog();
        log.write(false, new byte[TaskLog.MAX_LINE_BYTES + 10]);
        assertThat(log.lines()).hasSize(1);
        assertThat(log.lines().get(0).text()).hasSize(TaskLog.MAX_LINE_BYTES);

        byte[] line = utf8("x".repeat(1023) + "\n");
        for (int i = 0; i < TaskLog.MAX_BYTES / line.length + 10; i++) {
            log.write(true, line);
        }
        log.end();
        List<TaskLine> lines = log.lines();
        assertThat(lines.get(lines.size() - 1).text()).contains("the rest of the output is dropped");
        assertThat(lines.stream().filter(l -> l.text().contains("dropped"))).hasSize(1);
        assertThat(lines.stream().mapToLong(l -> l.text().length() + 1).sum()).isLessThanOrEqualTo(TaskLog.MAX_BYTES + 200);
    }
}
