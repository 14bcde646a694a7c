package io.jenkins.plugins.slipway.runner.api.tls;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The {@code serve} options about TLS, as given.
 *
 * @param cert       {@code --tls-cert}: PEM certificate chain
 * @param key        {@code --tls-key}: its PEM private key
 * @param selfSigned {@code --tls-self-signed}: make (or reuse) a certificate in the data dir
 * @param clientCa   {@code --tls-client-ca}: PEM CA of the client certificates to require (mutual TLS)
 */
public record TlsOptions(@CheckForNull Path cert, @CheckForNull Path key, boolean selfSigned,
                         @CheckForNull Path clientCa) {

    /**
     * The TLS settings these options ask for; null for plain HTTP.
     *
     * @throws IllegalArgumentException when options contradict each other or a file is unusable, naming which
     */
    public @CheckForNull TlsSettings settings(Path dataDir, String host) throws IOException {
        if (selfSigned && (cert != null || key != null)) {
            throw new IllegalArgumentException("--tls-self-signed makes its own certificate: drop --tls-cert/--tls-key,"
                    + " or drop --tls-self-signed");
        }
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException(cert == null ? "--tls-key needs --tls-cert" : "--tls-cert needs --tls-key");
        }
        if (selfSigned) {
            return SelfSignedCertificate.inDataDir(dataDir, host, clientCa);
        }
        if (cert != null) {
            return TlsSettings.fromPem(cert, key, clientCa);
        }
        if (clientCa != null) {
            throw new IllegalArgumentException("--tls-client-ca needs TLS: add --tls-cert and --tls-key, or"
                    + " --tls-self-signed");
        }
        return null;
    }
}
