package hudson.model;

/** Stand-in of core's {@code ItemGroup} (members left out). */
public interface ItemGroup<T extends Item> {
    /** The group's full name: "" for Jenkins itself, the folder path for a folder. */
    String getFullName();
}
