package hudson.remoting;

/** Stand-in of remoting's {@code VirtualChannel}; no member is used by the plugin. */
public interface VirtualChannel {
}
