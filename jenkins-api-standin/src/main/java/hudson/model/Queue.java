package hudson.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.security.ACL;
import org.springframework.security.core.Authentication;

/**
 * Stand-in of core's {@code Queue}: only the nested {@link Task} (the superclass ResourceController,
 * Saveable and the queue itself left out).
 */
public class Queue {
    private Queue() {
    }

    /**
     * Stand-in of {@code Queue.Task} (super-interfaces FullyNamedModelObject, SubTask and the other members
     * left out). Jobs that build (a Pipeline's WorkflowJob among them) implement it.
     */
    public interface Task extends ModelObject {
        /** Who builds of this task run as when no QueueItemAuthenticator (e.g. Authorize Project) says otherwise. */
        @NonNull
        default Authentication getDefaultAuthentication2() {
            return ACL.SYSTEM2;
        }
    }
}
