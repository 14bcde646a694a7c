package hudson.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.ExtensionPoint;
import java.io.IOException;

/** Stand-in of core's {@code Run}. */
public abstract class Run<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> extends Actionable implements ExtensionPoint {
    private final JobT project;
    private final int number;
    private volatile Result result;

    protected Run(@NonNull JobT job) throws IOException {
        this.project = job;
        this.number = job.assignBuildNumber();
    }

    public @NonNull JobT getParent() {
        return project;
    }

    public int getNumber() {
        return number;
    }

    public @CheckForNull Result getResult() {
        return result;
    }

    public void setResult(@NonNull Result r) {
        if (result == null || r.isWorseThan(result)) {
            result = r;
        }
    }

    public @NonNull String getUrl() {
        return "job/" + project.getName() + "/" + number + "/";
    }

    public @NonNull String getExternalizableId() {
        return project.getFullName() + "#" + number;
    }

    public @NonNull String getFullDisplayName() {
        return project.getFullName() + " #" + number;
    }

    public @NonNull EnvVars getEnvironment(@NonNull TaskListener listener) throws IOException, InterruptedException {
        return new EnvVars("BUILD_NUMBER", String.valueOf(number), "JOB_NAME", project.getFullName());
    }
}
