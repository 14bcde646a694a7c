package org.jenkinsci.remoting;

import java.io.Serializable;

/** Stand-in of remoting's {@code SerializableOnlyOverRemoting} (its default helpers left out). */
public interface SerializableOnlyOverRemoting extends Serializable {
}
