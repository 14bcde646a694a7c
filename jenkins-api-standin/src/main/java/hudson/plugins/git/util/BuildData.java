package hudson.plugins.git.util;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Action;
import hudson.plugins.git.Revision;
import java.io.Serializable;
import java.util.HashSet;
import java.util.Set;

/**
 * Stand-in of the git plugin's {@code BuildData}: the action a Git checkout adds to the build, with the
 * revision built and the remote URLs (branches by name left out).
 */
public class BuildData implements Action, Serializable, Cloneable {
    private static final long serialVersionUID = 1L;
    public Build lastBuild;
    public String scmName;
    public Set<String> remoteUrls = new HashSet<>();

    public BuildData() {
    }

    public BuildData(String scmName) {
        this.scmName = scmName;
    }

    public void saveBuild(Build build) {
        lastBuild = build;
    }

    public @CheckForNull Revision getLastBuiltRevision() {
        return lastBuild == null ? null : lastBuild.revision;
    }

    public void addRemoteUrl(String remoteUrl) {
        remoteUrls.add(remoteUrl);
    }

    public Set<String> getRemoteUrls() {
        return remoteUrls;
    }

    @Override
    public String getDisplayName() {
        return scmName != null && !scmName.isEmpty() ? "Git Build Data:" + scmName : "Git Build Data";
    }

    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getUrlName() {
        return "git";
    }
}
