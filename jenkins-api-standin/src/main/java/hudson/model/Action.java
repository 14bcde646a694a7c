package hudson.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;

/** Stand-in of core's {@code Action}. */
public interface Action extends ModelObject {
    @CheckForNull String getIconFileName();

    @Override
    @CheckForNull String getDisplayName();

    @CheckForNull String getUrlName();
}
