package io.jenkins.plugins.slipway.runner.api.tls;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * {@code serve --tls-self-signed}: a certificate the runner makes for itself, kept in {@code <data>/tls/} (the key
 * readable by the runner's user only) and used again on every start while it is valid for another 30 days and
 * names the same hosts, so that the fingerprint clients pinned stays the same.
 */
public final class SelfSignedCertificate {
    static final Duration VALIDITY = Duration.ofDays(825);
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private SelfSignedCertificate() {
    }

    /**
     * The self-signed TLS settings of a runner with data in {@code dataDir} listening on {@code host}.
     *
     * @param clientCa PEM CA certificate(s) for mutual TLS, or null
     */
    public static TlsSettings inDataDir(Path dataDir, String host, @CheckForNull Path clientCa) throws IOException {
        Path dir = dataDir.resolve("tls");
        Path certFile = dir.resolve("self-signed.crt");
        Path keyFile = dir.resolve("self-signed.key");
        Set<String> names = names(host);
        if (Files.exists(certFile) && Files.exists(keyFile) && stillGood(certFile, names)) {
            return TlsSettings.fromPem(certFile, keyFile, clientCa);
        }
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        KeyPair pair = keyPair();
        X509Certificate cert = certificate(pair, names);
        writeOwnerOnly(keyFile, pem(new PemObject("PRIVATE KEY", pair.getPrivate().getEncoded())));
        Path tmp = certFile.resolveSibling(certFile.getFileName() + ".tmp");
        Files.writeString(tmp, pem(cert), StandardCharsets.US_ASCII);
        Files.move(tmp, certFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return TlsSettings.of(pair.getPrivate(), List.of(cert), clientCa);
    }

    /** localhost and the loopback addresses, the host the API listens on, and this machine's name. */
    static Set<String> names(String host) {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        if (!host.equals("0.0.0.0") && !host.equals("::")) {
            names.add(host);
        }
        try {
            names.add(InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            // A machine without a resolvable name: its certificate names the addresses alone.
        }
        return names;
    }

    private static boolean stillGood(Path certFile, Set<String> names) {
        try {
            X509Certificate cert = io.jenkins.plugins.slipway.runner.client.RunnerTls.certificates(
                    TlsSettings.read(certFile, "--tls-self-signed"), certFile.toString()).get(0);
            if (cert.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE))) {
                return false;
            }
            Set<String> present = new LinkedHashSet<>();
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                sans.forEach(san -> present.add(String.valueOf(san.get(1))));
            }
            return present.containsAll(names.stream().map(SelfSignedCertificate::canonical).toList());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** How {@link X509Certificate#getSubjectAlternativeNames()} spells an address ("::1" is "0:0:0:0:0:0:0:1"). */
    private static String canonical(String name) {
        if (!isAddress(name)) {
            return name;
        }
        try {
            return InetAddress.getByName(name).getHostAddress();
        } catch (IOException e) {
            return name;
        }
    }

    private static boolean isAddress(String name) {
        return name.matches("[0-9.]+") || name.contains(":");
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return gen.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime makes P-256 keys", e);
        }
    }

    private static X509Certificate certificate(KeyPair pair, Set<String> names) {
        try {
            X500Name subject = new X500Name("CN=slipway-runner self-signed");
            Instant now = Instant.now();
            List<GeneralName> alt = new ArrayList<>();
            for (String name : names) {
                alt.add(new GeneralName(isAddress(name) ? GeneralName.iPAddress : GeneralName.dNSName, name));
            }
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(128, new SecureRandom()), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt.toArray(new GeneralName[0])));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make the self-signed certificate: " + e.getMessage(), e);
        }
    }

    private static String pem(Object value) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(value);
        }
        return out.toString();
    }

    private static void writeOwnerOnly(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
