package io.jenkins.plugins.slipway.runner.routing.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The router's leak check can fail: a buffer dropped without release is reported. */
class RecordingLeakDetectorTest {
    @Test
    void aBufferDroppedWithoutReleaseIsReported() {
        assertThat(RecordingLeakDetector.active()).as("paranoid leak detection with the recording detector").isTrue();
        leakOneBuffer();

        List<String> reports = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            RecordingLeakDetector.collectAndLook();
            reports.addAll(RecordingLeakDetector.takeReports());
            return !reports.isEmpty();
        });
        assertThat(reports.get(0)).contains("ByteBuf").contains("leakOneBuffer");
    }

    private static void leakOneBuffer() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(32);
        leaked.writeInt(42);
    }
}
