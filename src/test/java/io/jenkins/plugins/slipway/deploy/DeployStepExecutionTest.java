package io.jenkins.plugins.slipway.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import hudson.AbortException;
import hudson.FilePath;
import io.jenkins.plugins.slipway.testing.RunnerProcess;
import io.jenkins.plugins.slipway.testing.TestStepContext;
import io.jenkins.plugins.slipway.standin.StandIn;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a deploy does its work. In a real Jenkins {@code start()} and {@code stop()} run on the CPS VM thread,
 * which every pipeline of the controller shares: they must do no I/O there (workflow-step-api), and the
 * blocking calls of one build must not hold up another's.
 */
class DeployStepExecutionTest {
    @TempDir
    Path workspace;

    /** A runner that accepts connections and never answers: a hung runner, seen from the plugin. */
    private ServerSocket silentRunner;
    private final List<Socket> held = new ArrayList<>();

    @BeforeEach
    void silentRunner() throws IOException {
        StandIn.reset();
        silentRunner = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!silentRunner.isClosed()) {
                try {
                    Socket s = silentRunner.accept();
                    synchronized (held) {
                        held.add(s);
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }, "silent-runner");
        acceptor.setDaemon(true);
        acceptor.start();
        RunnerProcess.register("http://127.0.0.1:" + silentRunner.getLocalPort(), "token-of-the-silent-runner");
    }

    @AfterEach
    void close() throws IOException {
        silentRunner.close();
        synchronized (held) {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void startReadsTheComposeFileOffTheCallingThread() throws Exception {
        TestStepContext ctx = TestStepContext.in(workspace.toFile());
        DeployStep step = new DeployStep("shop");
        step.setCompose("missing/compose.yml");
        StepExecution execution = step.start(ctx);

        boolean finished = execution.start();

        assertThat(finished).as("start() returns at once; the outcome comes through the context").isFalse();
        await().atMost(Duration.ofSeconds(30)).until(() -> ctx.outcome().isDone());
        assertThat(ctx.outcome()).failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOf(AbortException.class)
                .withMessageContaining("compose file 'missing/compose.yml' not found");
        assertThat(ctx.threadsThatAskedFor(FilePath.class)).isNotEmpty().doesNotContain(Thread.currentThread());
    }

    @Test
    void withoutAWorkspaceTheStepFailsSayingWhere() throws Exception {
        TestStepContext ctx = TestStepContext.withoutWorkspace();
        ctx.start(new DeployStep("shop"));
        await().atMost(Duration.ofSeconds(30)).until(() -> ctx.outcome().isDone());
        assertThat(ctx.outcome()).failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOf(AbortException.class)
                .withMessage("slipwayDeploy: no workspace to read the compose file 'compose.yml' from: call slipwayDeploy inside node { }");
    }

    @Test
    void deploysWaitingOnAHungRunnerDoNotHoldUpOtherDeploys() throws Exception {
        Files.writeString(workspace.resolve("compose.yml"), "services:\n  web:\n    image: nginx\n");
        int deploys = 4;
        List<TestStepContext> contexts = new ArrayList<>();
        for (int i = 0; i < deploys; i++) {
            TestStepContext ctx = TestStepContext.in(workspace.toFile());
            contexts.add(ctx);
            new DeployStep("shop-" + i).start(ctx).start();
        }

        // Each deploy's blocking POST waits on the silent runner; every one of them must have been sent.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            synchronized (held) {
                assertThat(held).hasSize(deploys);
            }
        });
        assertThat(contexts).noneMatch(c -> c.outcome().isDone());
    }
}
