package com.cloudbees.plugins.credentials;

import java.io.Serializable;

/** Stand-in of credentials' {@code Credentials} (getScope/getDescriptor and Describable left out). */
public interface Credentials extends Serializable {
}
