package io.jenkins.plugins.slipway.testing;

import com.cloudbees.plugins.credentials.common.StandardCertificateCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.util.Secret;
import io.jenkins.plugins.slipway.standin.StandIn;
import java.security.KeyStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * Puts credentials in the stand-in's stores, where CredentialsProvider finds them: the global (system)
 * store, a folder's or item's store, or a user's own store.
 */
public final class TestCredentials {
    private TestCredentials() {
    }

    public static StandardUsernamePasswordCredentials usernamePassword(String id, String username, String password) {
        StandardUsernamePasswordCredentials c = new UsernamePassword(id, username, Secret.fromString(SecretsUsed.record(password)));
        StandIn.addCredentials(c);
        return c;
    }

    /** In the store of a folder or an item: visible there and below it only. */
    public static StandardUsernamePasswordCredentials usernamePassword(Object store, String id, String username,
                                                                       String password) {
        StandardUsernamePasswordCredentials c = new UsernamePassword(id, username, Secret.fromString(SecretsUsed.record(password)));
        StandIn.addCredentials(store, c);
        return c;
    }

    /** In a user's own store: visible to lookups made as that user only. */
    public static StandardUsernamePasswordCredentials usernamePasswordOfUser(String user, String id, String username,
                                                                             String password) {
        StandardUsernamePasswordCredentials c = new UsernamePassword(id, username, Secret.fromString(SecretsUsed.record(password)));
        StandIn.addUserCredentials(user, c);
        return c;
    }

    public static StringCredentials secretText(String id, String secret) {
        StringCredentials c = new SecretText(id, Secret.fromString(SecretsUsed.record(secret)));
        StandIn.addCredentials(c);
        return c;
    }

    /** In the store of a folder or an item: visible there and below it only. */
    public static StringCredentials secretText(Object store, String id, String secret) {
        StringCredentials c = new SecretText(id, Secret.fromString(SecretsUsed.record(secret)));
        StandIn.addCredentials(store, c);
        return c;
    }

    /**
     * A Secret text credential holding something public (a certificate's fingerprint, a CA certificate): unlike
     * {@link #secretText}, not recorded as a secret, so that scripts/check-no-secrets.sh does not flag the
     * runner printing its own fingerprint.
     */
    public static StringCredentials publicText(String id, String value) {
        StringCredentials c = new SecretText(id, Secret.fromString(value));
        StandIn.addCredentials(c);
        return c;
    }

    /** A Secret file credential; its content is recorded as a secret (it must be text of 8 characters or more). */
    public static FileCredentials secretFile(String id, String fileName, String content) {
        FileCredentials c = new SecretFile(id, fileName, SecretsUsed.record(content).getBytes(StandardCharsets.UTF_8));
        StandIn.addCredentials(c);
        return c;
    }

    public static StandardCertificateCredentials certificate(String id, KeyStore keyStore, String password) {
        StandardCertificateCredentials c = new Certificate(id, keyStore, Secret.fromString(SecretsUsed.record(password)));
        StandIn.addCredentials(c);
        return c;
    }

    private record UsernamePassword(String id, String username, Secret password) implements StandardUsernamePasswordCredentials {
        @Override
        public String getId() {
            return id;
        }

        @Override
        public String getDescription() {
            return "";
        }

        @Override
        public String getUsername() {
            return username;
        }

        @Override
        public Secret getPassword() {
            return password;
        }
    }

    private record SecretFile(String id, String fileName, byte[] content) implements FileCredentials {
        @Override
        public String getId() {
            return id;
        }

        @Override
        public String getDescription() {
            return "";
        }

        @Override
        public String getFileName() {
            return fileName;
        }

        @Override
        public InputStream getContent() {
            return new ByteArrayInputStream(content);
        }
    }

    private record SecretText(String id, Secret secret) implements StringCredentials {
        @Override
        public String getId() {
            return id;
        }

        @Override
        public String getDescription() {
            return "";
        }

        @Override
        public Secret getSecret() {
            return secret;
        }
    }

    private record Certificate(String id, KeyStore keyStore, Secret password) implements StandardCertificateCredentials {
        @Override
        public String getId() {
            return id;
        }

        @Override
        public String getDescription() {
            return "";
        }

        @Override
        public KeyStore getKeyStore() {
            return keyStore;
        }

        @Override
        public Secret getPassword() {
            return password;
        }
    }
}
