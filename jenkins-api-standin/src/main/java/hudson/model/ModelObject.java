package hudson.model;

/** Stand-in of core's {@code ModelObject}. */
public interface ModelObject {
    String getDisplayName();
}
