package hudson.model;

/** Stand-in of core's {@code Describable}. */
public interface Describable<T extends Describable<T>> {
    Descriptor<T> getDescriptor();
}
