package hudson.model;

/** Stand-in of core's {@code Describable}. */
public interface Describable<T extends Describable<T>> {
    /** A default method since core 2.505 (jenkinsci/jenkins#10426); core looks the descriptor up by class. */
    default Descriptor<T> getDescriptor() {
        return io.jenkins.plugins.slipway.standin.StandIn.descriptorOf(getClass());
    }
}
