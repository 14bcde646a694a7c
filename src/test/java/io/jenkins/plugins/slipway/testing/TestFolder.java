package io.jenkins.plugins.slipway.testing;

import hudson.model.ItemGroup;

/** A folder: a group of jobs with its own credentials store (see {@link TestCredentials}). */
public final class TestFolder implements ItemGroup<TestJob> {
    private final String name;

    public TestFolder(String name) {
        this.name = name;
    }

    @Override
    public String getFullName() {
        return name;
    }

    @Override
    public String toString() {
        return "folder " + name;
    }
}
