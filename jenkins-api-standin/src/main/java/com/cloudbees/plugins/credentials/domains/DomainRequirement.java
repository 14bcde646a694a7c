package com.cloudbees.plugins.credentials.domains;

import java.io.Serializable;

/** Stand-in of credentials' {@code DomainRequirement}: the stand-in has one global domain. */
public class DomainRequirement implements Serializable {
    private static final long serialVersionUID = 1L;
}
