package jenkins.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.ItemGroup;
import hudson.model.TopLevelItem;
import hudson.security.AccessControlled;
import hudson.security.Permission;
import io.jenkins.plugins.slipway.standin.StandIn;

/** Stand-in of core's {@code Jenkins}: a single instance whose permissions StandIn decides. */
public class Jenkins implements AccessControlled, ItemGroup<TopLevelItem> {
    public static final Permission ADMINISTER = StandIn.permission("Overall/Administer");
    private static final Jenkins INSTANCE = new Jenkins();

    private Jenkins() {
    }

    @NonNull
    public static Jenkins get() throws IllegalStateException {
        return INSTANCE;
    }

    /** The root of the item tree has an empty full name. */
    @Override
    public String getFullName() {
        return "";
    }

    public String getRootUrl() {
        return StandIn.rootUrl();
    }
}
