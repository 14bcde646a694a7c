package io.jenkins.plugins.slipway.runner.routing.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.routing.MetricsSnapshot;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Per-lane counts and figures: each lane writes its own cells, readers see the lanes added up. */
class LaneCountersTest {
    @Test
    void laneCounterKeepsEachLaneApartAndSumsThem() {
        LaneCounter c = new LaneCounter(3);
        c.add(0, 2);
        c.add(2, 5);
        c.add(2, -1);

        assertThat(c.get(0)).isEqualTo(2);
        assertThat(c.get(1)).isZero();
        assertThat(c.get(2)).isEqualTo(4);
        assertThat(c.sum()).isEqualTo(6);
    }

    @Test
    void countsWrittenByTwoThreadsEachOnItsOwnLaneAddUp() throws Exception {
        LaneCounter c = new LaneCounter(2);
        RevisionMetrics m = new RevisionMetrics(2);
        int perLane = 100_000;
        CountDownLatch done = new CountDownLatch(2);
        for (int lane = 0; lane < 2; lane++) {
            int l = lane;
            Thread t = new Thread(() -> {
                for (int i = 0; i < perLane; i++) {
                    c.add(l, 1);
                    m.record(l, i % 10 == 0 ? 503 : 200, 1_000_000);
                }
                done.countDown();
            });
            t.start();
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();

        assertThat(c.sum()).isEqualTo(2L * perLane);
        MetricsSnapshot s = m.snapshot();
        assertThat(s.requests()).isEqualTo(2L * perLane);
        assertThat(s.failures()).isEqualTo(2L * perLane / 10);
        assertThat(s.latencyMillis(50)).isBetween(0.99, 1.01);
        assertThat(((RevisionSnapshot) s).requests(5)).isEqualTo(2L * perLane / 10);
    }

    @Test
    void aLaneThatNeverRecordedAddsNothing() {
        RevisionMetrics m = new RevisionMetrics(2);
        m.record(1, 200, 2_000_000);
        m.record(1, 0, 3_000_000);

        MetricsSnapshot s = m.snapshot();
        assertThat(s.requests()).isEqualTo(2);
        assertThat(s.failures()).isEqualTo(1);
    }
}
