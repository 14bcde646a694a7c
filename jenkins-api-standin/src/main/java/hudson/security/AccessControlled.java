package hudson.security;

import edu.umd.cs.findbugs.annotations.NonNull;
import io.jenkins.plugins.slipway.standin.StandIn;
import org.springframework.security.access.AccessDeniedException;

/** Stand-in of core's {@code AccessControlled} (getACL() left out; StandIn decides who may do what). */
public interface AccessControlled {
    default void checkPermission(@NonNull Permission permission) throws AccessDeniedException {
        if (!hasPermission(permission)) {
            throw new AccessDeniedException("anonymous is missing the " + permission.name + " permission");
        }
    }

    default boolean hasPermission(@NonNull Permission permission) {
        return StandIn.hasPermission(permission.name);
    }
}
