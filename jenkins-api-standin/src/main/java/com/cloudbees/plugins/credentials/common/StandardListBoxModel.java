package com.cloudbees.plugins.credentials.common;

import edu.umd.cs.findbugs.annotations.NonNull;

/** Stand-in of credentials' {@code StandardListBoxModel}. */
public class StandardListBoxModel extends AbstractIdCredentialsListBoxModel<StandardListBoxModel, StandardCredentials> {
    private static final long serialVersionUID = 1L;

    public StandardListBoxModel() {
    }

    @NonNull
    @Override
    protected String describe(@NonNull StandardCredentials c) {
        return c.getDescription().isEmpty() ? c.getId() : c.getDescription();
    }
}
