package io.jenkins.plugins.slipway.runner.secrets;

import io.jenkins.plugins.slipway.runner.Json;
import io.jenkins.plugins.slipway.runner.compose.FileInputs;
import io.jenkins.plugins.slipway.runner.compose.FileMount;
import io.jenkins.plugins.slipway.runner.engine.EngineException;
import io.jenkins.plugins.slipway.runner.engine.FileValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret and config values of every stored revision, encrypted at rest with AES-256-GCM under a key the
 * runner keeps in {@code DATA/secrets.key} (mode 0600, made on first start). One sealed file per revision,
 * {@code DATA/secrets/APP/REVISION.sealed} (a random 96-bit nonce, then the ciphertext and its tag; the app and
 * revision are authenticated with it, so a file moved to another revision does not open). Nothing else of the
 * runner holds a value: the database keeps the Compose text (names and paths only), specs keep a keyed digest
 * ({@link #digest}), and engines get the plain bytes only when they create a replica ({@link #value}).
 */
public final class SecretStore implements FileValues {
    private static final String KEY_FILE = "secrets.key";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final SecretKey key;
    private final SecretKey digestKey;

    private SecretStore(Path dir, byte[] master) {
        this.dir = dir;
        this.key = new SecretKeySpec(master, "AES");
        this.digestKey = new SecretKeySpec(hmac(new SecretKeySpec(master, "HmacSHA256"),
                "slipway secret digest".getBytes(StandardCharsets.UTF_8)), "HmacSHA256");
    }

    /** The store of the runner whose data is in {@code dataDir}; makes its key on first use. */
    public static SecretStore open(Path dataDir) throws IOException {
        Path keyFile = dataDir.resolve(KEY_FILE);
        byte[] master;
        if (Files.exists(keyFile)) {
            Files.setPosixFilePermissions(keyFile, OWNER_ONLY);
            master = Files.readAllBytes(keyFile);
            if (master.length != 32) {
                throw new IOException(keyFile + " is not a 256-bit key (" + master.length + " bytes); restore it from"
                        + " a backup: without it the stored secrets cannot be read");
            }
        } else {
            master = new byte[32];
            RANDOM.nextBytes(master);
            Path tmp = dataDir.resolve(KEY_FILE + ".new");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.write(tmp, master);
            // Written aside and renamed, so a runner killed while writing never leaves a truncated key behind.
            Files.move(tmp, keyFile, StandardCopyOption.ATOMIC_MOVE);
        }
        Path dir = dataDir.resolve("secrets");
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
        return new SecretStore(dir, master);
    }

    /** A keyed digest of {@code value}: equal values give equal digests, and it tells nothing of the value. */
    public String digest(byte[] value) {
        return "hmac-sha256:" + HexFormat.of().formatHex(hmac(digestKey, value));
    }

    /** What the Compose parser may know of {@code files}: digests and env files. */
    public FileInputs inputs(DeployFiles files) {
        Map<String, String> secrets = new LinkedHashMap<>();
        files.secrets().forEach((name, value) -> secrets.put(name, digest(value)));
        Map<String, String> configs = new LinkedHashMap<>();
        files.configs().forEach((name, value) -> configs.put(name, digest(value)));
        return new FileInputs(secrets, configs, files.envFiles());
    }

    /** Seals the values of one revision; a revision without any writes nothing. */
    public void save(String app, int revision, DeployFiles files) {
        if (files.secrets().isEmpty() && files.configs().isEmpty() && files.envFiles().isEmpty()) {
            return;
        }
        try {
            Path appDir = dir.resolve(app);
            if (!Files.isDirectory(appDir)) {
                Files.createDirectories(appDir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
            }
            byte[] plain = Json.MAPPER.writeValueAsBytes(files);
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad(app, revision));
            byte[] sealed = c.doFinal(plain);
            java.util.Arrays.fill(plain, (byte) 0);
            Path tmp = appDir.resolve(revision + ".sealed.new");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.write(tmp, ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
            Files.move(tmp, appDir.resolve(revision + ".sealed"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("sealing the secrets of " + app + " revision " + revision + " failed", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** The values of one revision; {@link DeployFiles#NONE} when it came with none. */
    public DeployFiles load(String app, int revision) {
        Path file = dir.resolve(app).resolve(revision + ".sealed");
        if (!Files.exists(file)) {
            return DeployFiles.NONE;
        }
        try {
            byte[] all = Files.readAllBytes(file);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            c.updateAAD(aad(app, revision));
            byte[] plain = c.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
            try {
                return Json.MAPPER.readValue(plain, DeployFiles.class);
            } finally {
                java.util.Arrays.fill(plain, (byte) 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the secrets of " + app + " revision " + revision + " failed", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the secrets of " + app + " revision " + revision + " do not open with "
                    + "this runner's key (" + KEY_FILE + " replaced?)", e);
        }
    }

    /** Forgets every value of an app (it was deleted). */
    public void delete(String app) {
        Path appDir = dir.resolve(app);
        if (!Files.exists(appDir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(appDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("removing the secrets of " + app + " failed", e);
        }
    }

    @Override
    public byte[] value(String app, int revision, FileMount mount) {
        if (mount.content() != null) {
            return mount.content().getBytes(StandardCharsets.UTF_8);
        }
        DeployFiles files = load(app, revision);
        byte[] value = (mount.kind() == FileMount.Kind.SECRET ? files.secrets() : files.configs()).get(mount.source());
        if (value == null || !digest(value).equals(mount.digest())) {
            throw new EngineException("the value of " + mount.kind().key() + "." + mount.source() + " for " + app
                    + " revision " + revision + " is not in the runner's store", null);
        }
        return value;
    }

    private static byte[] aad(String app, int revision) {
        return (app + "/" + revision).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hmac(SecretKey key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
