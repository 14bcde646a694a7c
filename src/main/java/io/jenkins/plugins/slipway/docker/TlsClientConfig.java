package io.jenkins.plugins.slipway.docker;

import com.github.dockerjava.transport.SSLConfig;
import java.security.KeyManagementException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.util.Collections;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS to a remote engine from one PKCS#12 key store: its key entry is the client certificate, its trusted
 * certificate entries (or, failing those, the key entry's chain root) are the CAs the engine's certificate
 * must chain to. Unlike docker-java's KeystoreSSLConfig, which trusts any server certificate and forces a
 * JVM-wide https.protocols property, this verifies the server and changes no global state.
 */
final class TlsClientConfig implements SSLConfig {
    private final KeyStore keyStore;
    private final char[] password;

    TlsClientConfig(KeyStore keyStore, char[] password) {
        this.keyStore = keyStore;
        this.password = password.clone();
    }

    @Override
    public SSLContext getSSLContext() throws KeyManagementException, UnrecoverableKeyException,
            NoSuchAlgorithmException, KeyStoreException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, password);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustAnchors());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private KeyStore trustAnchors() throws KeyStoreException, NoSuchAlgorithmException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            trust.load(null, null);
        } catch (java.io.IOException | CertificateException e) {
            throw new KeyStoreException(e);
        }
        int n = 0;
        for (String alias : Collections.list(keyStore.aliases())) {
            if (keyStore.isCertificateEntry(alias)) {
                trust.setCertificateEntry("ca-" + n++, keyStore.getCertificate(alias));
            }
        }
        if (n == 0) {
            // No separate CA entry: trust the root of the client's own chain (same CA signs both sides).
            for (String alias : Collections.list(keyStore.aliases())) {
                Certificate[] chain = keyStore.getCertificateChain(alias);
                if (chain != null && chain.length > 1) {
                    trust.setCertificateEntry("ca-" + n++, chain[chain.length - 1]);
                }
            }
        }
        if (n == 0) {
            throw new KeyStoreException("the TLS credential holds no CA certificate to verify the engine with");
        }
        return trust;
    }
}
