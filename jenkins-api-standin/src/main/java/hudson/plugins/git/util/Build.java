package hudson.plugins.git.util;

import hudson.model.Result;
import hudson.plugins.git.Revision;
import java.io.Serializable;

/** Stand-in of the git plugin's {@code Build}: a revision a Jenkins build built. */
public class Build implements Serializable, Cloneable {
    private static final long serialVersionUID = 1L;
    public Revision marked;
    public Revision revision;
    public int hudsonBuildNumber;
    public Result hudsonBuildResult;

    public Build(Revision marked, Revision revision, int buildNumber, Result result) {
        this.marked = marked;
        this.revision = revision;
        this.hudsonBuildNumber = buildNumber;
        this.hudsonBuildResult = result;
    }

    public Build(Revision revision, int buildNumber, Result result) {
        this(revision, revision, buildNumber, result);
    }
}
