package hudson;

/** Stand-in of core's marker interface. */
public interface ExtensionPoint {
}
