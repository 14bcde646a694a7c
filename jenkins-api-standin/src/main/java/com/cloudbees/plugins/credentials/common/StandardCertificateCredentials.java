package com.cloudbees.plugins.credentials.common;

/** Stand-in of credentials' {@code StandardCertificateCredentials}. */
public interface StandardCertificateCredentials extends StandardCredentials, CertificateCredentials {
}
