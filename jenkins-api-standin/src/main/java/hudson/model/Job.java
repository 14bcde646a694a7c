package hudson.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.IOException;
import jenkins.model.Jenkins;

/** Stand-in of core's {@code Job} (its superclass AbstractItem folded in: getParent, getName, getFullName, getDisplayName). */
public abstract class Job<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> extends Actionable implements Item {
    private final ItemGroup parent;
    private final String name;
    private int nextBuildNumber = 1;

    protected Job(ItemGroup parent, String name) {
        // Real items always have a parent; a job made without one here sits at the root.
        this.parent = parent == null ? Jenkins.get() : parent;
        this.name = name;
    }

    @NonNull
    @Override
    public ItemGroup getParent() {
        return parent;
    }

    public String getName() {
        return name;
    }

    /** Final in core (declared in AbstractItem): the names of the folders above, then this job's, joined by '/'. */
    public final String getFullName() {
        String n = parent.getFullName();
        return n.isEmpty() ? name : n + '/' + name;
    }

    public String getDisplayName() {
        return name;
    }

    public synchronized int assignBuildNumber() throws IOException {
        return nextBuildNumber++;
    }
}
