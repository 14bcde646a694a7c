package hudson.model;

import java.io.IOException;

/** Stand-in of core's {@code Job} (its superclass AbstractItem folded in: getName, getFullName). */
public abstract class Job<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> extends Actionable implements Item {
    private final String name;
    private int nextBuildNumber = 1;

    protected Job(ItemGroup parent, String name) {
        this.name = name;
    }

    public String getName() {
        return name;
    }

    public String getFullName() {
        return name;
    }

    public synchronized int assignBuildNumber() throws IOException {
        return nextBuildNumber++;
    }
}
