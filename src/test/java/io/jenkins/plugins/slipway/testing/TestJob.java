package io.jenkins.plugins.slipway.testing;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.ItemGroup;
import hudson.model.Job;
import hudson.model.Queue;
import hudson.security.ACL;
import org.springframework.security.core.Authentication;

/**
 * A job for {@link TestRun}s; only the stand-in lets a job exist without a Jenkins instance. Like a Pipeline
 * job it is a {@link Queue.Task}, whose builds run as SYSTEM unless {@link #runAs} says otherwise (as the
 * Authorize Project plugin would).
 */
public final class TestJob extends Job<TestJob, TestRun> implements Queue.Task {
    private volatile Authentication runsAs = ACL.SYSTEM2;

    public TestJob(String name) {
        this(null, name);
    }

    /** A job in a folder; null for the root. */
    public TestJob(ItemGroup<?> parent, String name) {
        super(parent, name);
    }

    public TestJob runAs(Authentication authentication) {
        this.runsAs = authentication;
        return this;
    }

    @NonNull
    @Override
    public Authentication getDefaultAuthentication2() {
        return runsAs;
    }
}
