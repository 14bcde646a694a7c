package io.jenkins.plugins.slipway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A TLS front for the local engine, as a remote {@code tcp://host:2376} engine with {@code --tlsverify}
 * would be: it requires a client certificate signed by its CA and forwards each connection to
 * /var/run/docker.sock. Listens on 127.0.0.1, port in 17000-17999. Also makes the PKCS#12 key stores a
 * Jenkins Certificate credential would hold.
 */
public final class TlsEngineProxy implements AutoCloseable {
    public static final String PASSWORD = "changeit";

    private final SSLServerSocket server;
    private final Thread acceptor;

    private TlsEngineProxy(SSLServerSocket server) {
        this.server = server;
        this.acceptor = new Thread(this::acceptLoop, "tls-engine-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A certificate authority: its key pair and self-signed certificate. */
    public record Ca(KeyPair keys, X509Certificate cert) {
        public static Ca create(String name) throws Exception {
            KeyPair keys = rsa();
            X500Name dn = new X500Name("CN=" + name);
            JcaX509v3CertificateBuilder b = builder(dn, dn, keys);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            return new Ca(keys, sign(b, keys.getPrivate()));
        }

        X509Certificate issue(String cn, KeyPair subject, boolean server) throws Exception {
            JcaX509v3CertificateBuilder b = builder(new X500Name(cert.getSubjectX500Principal().getName()), new X500Name("CN=" + cn), subject);
            if (server) {
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
            }
            return sign(b, keys.getPrivate());
        }

        /** What a Certificate credential holds: client key + certificate, and this CA as a trusted entry. */
        public KeyStore clientKeyStore() throws Exception {
            KeyPair client = rsa();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", client.getPrivate(), PASSWORD.toCharArray(),
                    new Certificate[] {issue("jenkins-client", client, false), cert});
            ks.setCertificateEntry("ca", cert);
            return ks;
        }
    }

    /** Starts a proxy whose server certificate {@code serverCa} signed and which trusts clients of {@code clientCa}. */
    public static TlsEngineProxy start(Ca serverCa, Ca clientCa) throws Exception {
        KeyPair serverKeys = rsa();
        KeyStore serverKs = KeyStore.getInstance("PKCS12");
        serverKs.load(null, null);
        serverKs.setKeyEntry("server", serverKeys.getPrivate(), PASSWORD.toCharArray(),
                new Certificate[] {serverCa.issue("127.0.0.1", serverKeys, true), serverCa.cert()});
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("clients", clientCa.cert());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(serverKs, PASSWORD.toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        for (int i = 0; i < 50; i++) {
            int port = 17000 + ThreadLocalRandom.current().nextInt(1000);
            try {
                SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(port, 16, InetAddress.getLoopbackAddress());
                s.setNeedClientAuth(true);
                return new TlsEngineProxy(s);
            } catch (IOException taken) {
                // try another port
            }
        }
        throw new IOException("no free port in 17000-17999");
    }

    public String uri() {
        return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                SocketChannel engine = SocketChannel.open(UnixDomainSocketAddress.of("/var/run/docker.sock"));
                InputStream fromClient = client.getInputStream();
                OutputStream toClient = client.getOutputStream();
                // Channels.newInputStream/newOutputStream would share the channel's blocking lock and
                // deadlock a concurrent read and write: use the channel directly in each direction.
                forward("to-engine", client, engine, () -> {
                    byte[] buf = new byte[16384];
                    for (int n; (n = fromClient.read(buf)) >= 0; ) {
                        ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                        while (bb.hasRemaining()) {
                            engine.write(bb);
                        }
                    }
                });
                forward("to-client", client, engine, () -> {
                    ByteBuffer bb = ByteBuffer.allocate(16384);
                    while (engine.read(bb) >= 0) {
                        toClient.write(bb.array(), 0, bb.position());
                        toClient.flush();
                        bb.clear();
                    }
                });
            } catch (IOException e) {
                // A refused handshake or a closed server: nothing to forward.
            }
        }
    }

    @FunctionalInterface
    private interface Pump {
        void run() throws IOException;
    }

    private static void forward(String name, Socket client, SocketChannel engine, Pump pump) {
        Thread t = new Thread(() -> {
            try {
                pump.run();
            } catch (IOException e) {
                // peer went away
            } finally {
                try {
                    client.close();
                    engine.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }, "tls-engine-proxy-" + name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE)),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), subject, keys.getPublic());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(key)));
    }
}
