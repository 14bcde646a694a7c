package io.jenkins.plugins.slipway.testing;

import hudson.model.Job;

/** A job for {@link TestRun}s; only the stand-in lets a job exist without a Jenkins instance. */
public final class TestJob extends Job<TestJob, TestRun> {
    public TestJob(String name) {
        super(null, name);
    }
}
