package io.jenkins.plugins.slipway.runner.engine.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.compose.ServiceSpec.RestartPolicy;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec.RestartPolicy.Condition;
import io.jenkins.plugins.slipway.runner.store.Database;
import io.jenkins.plugins.slipway.runner.store.RestartRecord;
import io.jenkins.plugins.slipway.runner.store.RestartRepository;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restart attempts as the reconciler keeps them: counted, given back by the window, kept across a restart. */
class RestartAttemptsTest {
    private static final Slot WEB_1 = new Slot("shop", "web", 3, 1);
    private static final Slot WEB_2 = new Slot("shop", "web", 3, 2);
    private static final RestartPolicy WINDOW_10S = new RestartPolicy(Condition.ANY, Duration.ZERO, 3,
            Duration.ofSeconds(10));
    private static final RestartPolicy NO_WINDOW = new RestartPolicy(Condition.ANY, Duration.ZERO, 3, Duration.ZERO);

    @TempDir
    Path dir;
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final RestartRepository repository = new RestartRepository();

    @Test
    void countsSurviveARunnerRestart() throws Exception {
        try (Database db = Database.open(dir)) {
            RestartAttempts attempts = new RestartAttempts(db, repository, now::get);
            assertThat(attempts.countReplacement(WEB_1)).isEqualTo(1);
            attempts.replacementStarted(WEB_1);
            assertThat(attempts.countReplacement(WEB_1)).isEqualTo(2);
            attempts.countReplacement(WEB_2);
        }
        // A new runner process on the same data dir: nothing in memory, everything from the store.
        try (Database db = Database.open(dir)) {
            RestartAttempts attempts = new RestartAttempts(db, repository, now::get);
            assertThat(attempts.attempts(WEB_1)).isEqualTo(2);
            assertThat(attempts.attempts(WEB_2)).isEqualTo(1);
            assertThat(attempts.attempts(new Slot("shop", "web", 3, 3))).isZero();
        }
    }

    @Test
    void aReplacementUpLongerThanTheWindowGivesTheAttemptsBack() throws Exception {
        try (Database db = Database.open(dir)) {
            RestartAttempts attempts = new RestartAttempts(db, repository, now::get);
            attempts.countReplacement(WEB_1);
            attempts.countReplacement(WEB_1);
            now.addAndGet(5_000); // the start itself took a while: the window runs from the start, not the decision
            attempts.replacementStarted(WEB_1);
            now.addAndGet(10_000);
            assertThat(attempts.forgiveIfProven(WEB_1, WINDOW_10S)).isFalse();
            assertThat(attempts.attempts(WEB_1)).isEqualTo(2);
            now.addAndGet(1);
            assertThat(attempts.forgiveIfProven(WEB_1, WINDOW_10S)).isTrue();
            assertThat(attempts.attempts(WEB_1)).isZero();
            assertThat(db.tx(repository::all)).isEmpty();
        }
    }

    @Test
    void theWindowRunsFromTheStartEvenAcrossARunnerRestart() throws Exception {
        try (Database db = Database.open(dir)) {
            RestartAttempts attempts = new RestartAttempts(db, repository, now::get);
            attempts.countReplacement(WEB_1);
            attempts.replacementStarted(WEB_1);
        }
        now.addAndGet(60_000); // the runner was down a minute while the replacement kept running
        try (Database db = Database.open(dir)) {
            RestartAttempts attempts = new RestartAttempts(db, repository, now::get);
            assertThat(attempts.forgiveIfProven(WEB_1, WINDOW_10S)).isTrue();
            assertThat(attempts.attempts(WEB_1)).isZero();
        }
    }

    @Test
    void withoutAWindowOrBeforeTheReplacementStartsNothingIsGivenBack() throws Exception {
        try (Database db = Database.open(dir)) {
            RestartAttempts attempts = new RestartAttempts(db, repository, now::get);
            attempts.countReplacement(WEB_1);
            now.addAndGet(3_600_000);
            // Counted but never started (the start failed, or the runner died first): no window has begun.
            assertThat(attempts.forgiveIfProven(WEB_1, WINDOW_10S)).isFalse();
            attempts.replacementStarted(WEB_1);
            now.addAndGet(3_600_000);
            assertThat(attempts.forgiveIfProven(WEB_1, NO_WINDOW)).isFalse();
            assertThat(attempts.attempts(WEB_1)).isEqualTo(1);
        }
    }

    @Test
    void aLaterStartDoesNotMoveTheWindowOfAnEarlierReplacement() throws Exception {
        try (Database db = Database.open(dir)) {
            RestartAttempts attempts = new RestartAttempts(db, repository, now::get);
            attempts.countReplacement(WEB_1);
            attempts.replacementStarted(WEB_1);
            long started = now.get();
            now.addAndGet(4_000);
            attempts.replacementStarted(WEB_1); // e.g. the container was removed by hand and started afresh
            assertThat(db.tx(repository::all)).extracting(RestartRecord::replacementStartedAt).containsExactly(started);
        }
    }

    @Test
    void slotsThatAreNoLongerDesiredAreForgotten() throws Exception {
        Slot otherApp = new Slot("blog", "api", 1, 1);
        try (Database db = Database.open(dir)) {
            RestartAttempts attempts = new RestartAttempts(db, repository, now::get);
            attempts.countReplacement(WEB_1);
            attempts.countReplacement(WEB_2);
            attempts.countReplacement(otherApp);
            // shop scaled down to one replica, blog deleted
            attempts.retainOnly(Set.of(WEB_1, new Slot("shop", "api", 3, 1)));
            assertThat(attempts.attempts(WEB_2)).isZero();
            assertThat(attempts.attempts(otherApp)).isZero();
            assertThat(db.tx(repository::all)).containsExactly(new RestartRecord("shop", "web", 3, 1, 1, 0));
        }
    }
}
