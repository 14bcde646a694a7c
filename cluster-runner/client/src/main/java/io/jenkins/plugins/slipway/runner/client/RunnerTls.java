package io.jenkins.plugins.slipway.runner.client;

import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How a client trusts a runner's certificate, and the certificate it shows when the runner asks for one:
 * the system's CAs (the default), a CA certificate in PEM (the server's name is checked against it), or the
 * SHA-256 fingerprint of the runner's own certificate (pinned: that certificate and no other, whatever its
 * names say, which is what a self-signed runner certificate needs).
 */
public final class RunnerTls {
    private static final Pattern FINGERPRINT = Pattern.compile("(?i)(sha256:)?([0-9a-f]{2}:?){31}[0-9a-f]{2}");

    private final List<X509Certificate> trustedCas;
    private final byte[] pinned;
    private final KeyStore clientKeys;
    private final char[] clientKeysPassword;

    private RunnerTls(List<X509Certificate> trustedCas, byte[] pinned, KeyStore clientKeys, char[] clientKeysPassword) {
        this.trustedCas = trustedCas;
        this.pinned = pinned;
        this.clientKeys = clientKeys;
        this.clientKeysPassword = clientKeysPassword;
    }

    /** Trust the runner certificates that a CA among {@code pem} (one or more PEM certificates) signed. */
    public static RunnerTls trustingCa(String pem) {
        List<X509Certificate> cas = certificates(pem, "the CA certificate");
        return new RunnerTls(cas, null, null, null);
    }

    /** Trust exactly the runner certificate with this SHA-256 fingerprint ({@code AB:CD:...}, colons optional). */
    public static RunnerTls pinning(String fingerprint) {
        return new RunnerTls(null, parseFingerprint(fingerprint), null, null);
    }

    /** Whether {@code text} reads as a SHA-256 fingerprint rather than a PEM certificate. */
    public static boolean isFingerprint(String text) {
        return text != null && FINGERPRINT.matcher(text.trim()).matches();
    }

    /** Also present a client certificate (mutual TLS): a PEM chain and its unencrypted PKCS#8 PEM key. */
    public RunnerTls withClientCertificate(String certificatePem, String privateKeyPem) {
        List<X509Certificate> chain = certificates(certificatePem, "the client certificate");
        PrivateKey key = privateKey(privateKeyPem, chain.get(0).getPublicKey().getAlgorithm());
        try {
            char[] password = randomPassword();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", key, password, chain.toArray(new Certificate[0]));
            return withClientKeyStore(ks, password);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("cannot use the client certificate and key: " + e.getMessage(), e);
        }
    }

    /** Also present the client certificate of a key store (PKCS#12, as Jenkins' certificate credentials hold). */
    public RunnerTls withClientKeyStore(KeyStore keyStore, char[] password) {
        return new RunnerTls(trustedCas, pinned, keyStore, password.clone());
    }

    /** What this trusts, for messages: "pinned fingerprint AB:CD:…" or "CA certificate CN=…". */
    public String describe() {
        if (pinned != null) {
            return "pinned fingerprint " + format(pinned);
        }
        return "CA certificate " + trustedCas.get(0).getSubjectX500Principal().getName();
    }

    /** The context for {@link java.net.http.HttpClient.Builder#sslContext}. */
    public SSLContext sslContext() {
        try {
            TrustManager[] trust;
            if (pinned != null) {
                trust = new TrustManager[] {new PinnedTrust(pinned)};
            } else {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                for (int i = 0; i < trustedCas.size(); i++) {
                    ks.setCertificateEntry("ca-" + i, trustedCas.get(i));
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                trust = tmf.getTrustManagers();
            }
            KeyManagerFactory kmf = null;
            if (clientKeys != null) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(clientKeys, clientKeysPassword);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), trust, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** The SHA-256 fingerprint of a certificate, as {@code openssl x509 -fingerprint -sha256} prints it. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            return format(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode certificate: " + e.getMessage(), e);
        }
    }

    private static String format(byte[] digest) {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }

    private static byte[] parseFingerprint(String text) {
        if (!isFingerprint(text)) {
            throw new IllegalArgumentException("a SHA-256 fingerprint is 32 bytes in hex (AB:CD:..., 64 hex digits),"
                    + " got " + (text == null ? "nothing" : text.trim().length() + " characters"));
        }
        String hex = text.trim().toLowerCase(Locale.ROOT).replaceFirst("^sha256:", "").replace(":", "");
        return HexFormat.of().parseHex(hex);
    }

    /** Certificates of a PEM text; what the text is, for the message, is {@code what}. */
    public static List<X509Certificate> certificates(String pem, String what) {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : cf.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new CertificateException("no certificate found");
            }
            return out;
        } catch (CertificateException | RuntimeException e) {
            throw new IllegalArgumentException(what + " is not a PEM certificate (-----BEGIN CERTIFICATE-----): "
                    + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(String pem, String algorithm) {
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new IllegalArgumentException("the client key must be an unencrypted PKCS#8 PEM key"
                    + " (-----BEGIN PRIVATE KEY-----); convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY");
        }
        String base64 = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27, pem.indexOf("-----END PRIVATE KEY-----"))
                .replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the client key is not a " + algorithm + " key matching the client"
                    + " certificate: " + e.getMessage(), e);
        }
    }

    private static char[] randomPassword() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes).toCharArray();
    }

    /**
     * Accepts exactly the pinned certificate. Being an {@link X509ExtendedTrustManager}, JSSE adds no host name
     * check of its own: the pin names the certificate, so the name the client dialled does not matter.
     */
    private static final class PinnedTrust extends X509ExtendedTrustManager {
        private final byte[] pinned;

        PinnedTrust(byte[] pinned) {
            this.pinned = pinned;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the runner sent no certificate");
            }
            byte[] actual;
            try {
                actual = MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded());
            } catch (GeneralSecurityException e) {
                throw new CertificateException(e);
            }
            if (!MessageDigest.isEqual(pinned, actual)) {
                throw new CertificateException("the runner's certificate has the SHA-256 fingerprint " + format(actual)
                        + ", not the pinned " + format(pinned));
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a runner client does not accept client certificates");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
