package io.jenkins.plugins.slipway.testing;

import hudson.model.Run;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A build of a {@link TestJob}: numbered, with actions and a result, as steps see a Run. */
public final class TestRun extends Run<TestJob, TestRun> {
    public TestRun(TestJob job) throws IOException {
        super(job);
    }

    /** Build #1 of a job named {@code name}. */
    public static TestRun of(String name) {
        try {
            return new TestRun(new TestJob(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
