package io.jenkins.plugins.slipway.runner.api.tls;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.jenkins.plugins.slipway.runner.client.RunnerTls;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * The TLS material of the runner's API: its key and certificate chain, and, for mutual TLS, the CA whose
 * client certificates it accepts (a client without one is refused during the handshake). Made from PEM files
 * ({@code --tls-cert}, {@code --tls-key}, {@code --tls-client-ca}) or from {@link SelfSignedCertificate}.
 */
public final class TlsSettings {
    private final KeyStore keyStore;
    private final char[] keyPassword;
    private final X509Certificate certificate;
    private final @CheckForNull KeyStore clientCas;

    private TlsSettings(KeyStore keyStore, char[] keyPassword, X509Certificate certificate,
                        @CheckForNull KeyStore clientCas) {
        this.keyStore = keyStore;
        this.keyPassword = keyPassword;
        this.certificate = certificate;
        this.clientCas = clientCas;
    }

    /**
     * From a PEM certificate chain (the server's certificate first) and its PEM private key (PKCS#8, PKCS#1 or
     * SEC1, unencrypted), checked to belong together.
     *
     * @param clientCa PEM CA certificate(s) for mutual TLS, or null
     * @throws IllegalArgumentException naming the option and file that is wrong
     */
    public static TlsSettings fromPem(Path certFile, Path keyFile, @CheckForNull Path clientCa) {
        List<X509Certificate> chain = RunnerTls.certificates(read(certFile, "--tls-cert"), "--tls-cert " + certFile);
        PrivateKey key = privateKey(keyFile);
        if (!belongTogether(key, chain.get(0))) {
            throw new IllegalArgumentException("--tls-key " + keyFile + " is not the key of the certificate in --tls-cert "
                    + certFile);
        }
        return of(key, chain, clientCa);
    }

    static TlsSettings of(PrivateKey key, List<X509Certificate> chain, @CheckForNull Path clientCa) {
        try {
            char[] password = HexFormat.of().formatHex(SecureRandom.getSeed(16)).toCharArray();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("runner", key, password, chain.toArray(new Certificate[0]));
            KeyStore cas = null;
            if (clientCa != null) {
                List<X509Certificate> caCerts = RunnerTls.certificates(read(clientCa, "--tls-client-ca"),
                        "--tls-client-ca " + clientCa);
                cas = KeyStore.getInstance("PKCS12");
                cas.load(null, null);
                for (int i = 0; i < caCerts.size(); i++) {
                    cas.setCertificateEntry("client-ca-" + i, caCerts.get(i));
                }
            }
            return new TlsSettings(ks, password, chain.get(0), cas);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot hold the TLS key in memory: " + e.getMessage(), e);
        }
    }

    /** The server's certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** SHA-256 fingerprint of the server's certificate, {@code AB:CD:...}: what clients pin. */
    public String fingerprint() {
        return RunnerTls.fingerprint(certificate);
    }

    /** Whether a client must show a certificate signed by the client CA. */
    public boolean needClientAuth() {
        return clientCas != null;
    }

    /** The key store holding the server's key and chain, and its password (for servers configured by key store). */
    public KeyStore keyStore() {
        return keyStore;
    }

    public char[] keyStorePassword() {
        return keyPassword.clone();
    }

    /** The client CAs for mutual TLS; null when client certificates are not asked for. */
    public @CheckForNull KeyStore trustStore() {
        return clientCas;
    }

    /** A server-side context with the key and, for mutual TLS, the client CAs. */
    public SSLContext sslContext() {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore, keyPassword);
            TrustManagerFactory tmf = null;
            if (clientCas != null) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(clientCas);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    static String read(Path file, String option) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    static PrivateKey privateKey(Path keyFile) {
        Object parsed;
        try (Reader in = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(in)) {
            parsed = pem.readObject();
        } catch (IOException e) {
            throw new IllegalArgumentException("--tls-key " + keyFile + " cannot be read as PEM: " + e.getMessage(), e);
        }
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try {
            if (parsed instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            if (parsed instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("--tls-key " + keyFile + " holds a key this runner cannot use: "
                    + e.getMessage(), e);
        }
        if (parsed instanceof PEMEncryptedKeyPair || parsed instanceof PKCS8EncryptedPrivateKeyInfo) {
            throw new IllegalArgumentException("--tls-key " + keyFile + " is encrypted; give the runner an unencrypted"
                    + " key readable by its user only (openssl pkey -in KEY -out KEY.plain)");
        }
        throw new IllegalArgumentException("--tls-key " + keyFile + " holds no private key (-----BEGIN PRIVATE KEY-----,"
                + " RSA PRIVATE KEY or EC PRIVATE KEY), found " + (parsed == null ? "nothing" : parsed.getClass().getSimpleName()));
    }

    /** Signs a nonce with the key and checks it with the certificate: true when they are one pair. */
    static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            throw new IllegalArgumentException("--tls-key: " + key.getAlgorithm() + " keys are not supported; use RSA,"
                    + " EC or Ed25519");
        }
        try {
            byte[] nonce = SecureRandom.getSeed(32);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(nonce);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(certificate.getPublicKey());
            verify.update(nonce);
            return verify.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
