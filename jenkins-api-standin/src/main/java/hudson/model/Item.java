package hudson.model;

import hudson.security.AccessControlled;
import hudson.security.Permission;
import io.jenkins.plugins.slipway.standin.StandIn;

/**
 * Stand-in of core's {@code Item} (other members and the super-interfaces PersistenceRoot,
 * SearchableModelObject left out). Permissions are decided by StandIn through AccessControlled.
 */
public interface Item extends AccessControlled {
    Permission EXTENDED_READ = StandIn.permission("Job/ExtendedRead");

    ItemGroup<? extends Item> getParent();
}
