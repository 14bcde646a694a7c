package io.jenkins.plugins.slipway.runner.access;

import com.fasterxml.jackson.core.type.TypeReference;
import io.jenkins.plugins.slipway.runner.Json;
import io.jenkins.plugins.slipway.runner.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runner's API tokens. The database keeps, per token, a lookup key and a salted SHA-256 of it, never the
 * token; this object keeps the same rows in memory so that checking a request reads no table, and drops a
 * row the moment it is revoked.
 * <p>
 * Why a fast salted hash and not PBKDF2 or bcrypt: those slow an attacker who guesses low-entropy passwords.
 * These tokens are 256 random bits made here, so guessing one from a stolen hash is out of reach whatever the
 * hash's speed, while a slow hash would cost every API call (the plugin polls) tens of milliseconds of CPU.
 * The lookup key (64 bits of the unsalted SHA-256) finds the row to check without scanning; 64 bits of a hash
 * tell nothing usable about a 256-bit secret. The final comparison is constant-time, and an unknown key is
 * checked against a dummy row so that both cases cost the same.
 */
public final class ApiTokens {
    /** Newly made tokens carry this prefix so that secret scanners and people recognise them. */
    public static final String PREFIX = "slw_";
    private static final int MAX_TOKEN_LENGTH = 512;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Stored DUMMY = new Stored(null, new byte[16], new byte[32], null);

    private record Stored(String lookup, byte[] salt, byte[] verifier, TokenInfo info) {
    }

    /**
     * What is known of a token, without the token.
     *
     * @param created when it was made, ISO-8601 UTC
     */
    public record TokenInfo(String name, Role role, List<AppPattern> apps, String created) {
        public Caller caller() {
            return new Caller(name, role, apps);
        }
    }

    /** A token of that name exists already. */
    public static final class NameTaken extends Exception {
        private static final long serialVersionUID = 1L;

        NameTaken(String name) {
            super("a token named " + name + " exists already; revoke it first or choose another name");
        }
    }

    private final Database db;
    private final Map<String, Stored> byLookup = new ConcurrentHashMap<>();

    private ApiTokens(Database db) {
        this.db = db;
    }

    /** The tokens stored in {@code db}. */
    public static ApiTokens load(Database db) {
        ApiTokens tokens = new ApiTokens(db);
        db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT name, lookup, salt, verifier, role, apps, created_at FROM api_tokens");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<AppPattern> apps = Json.read(rs.getString(6), new TypeReference<List<String>>() { })
                            .stream().map(AppPattern::new).toList();
                    TokenInfo info = new TokenInfo(rs.getString(1), Role.parse(rs.getString(5)).orElseThrow(),
                            apps, rs.getObject(7, OffsetDateTime.class).toInstant().toString());
                    tokens.byLookup.put(rs.getString(2), new Stored(rs.getString(2), rs.getBytes(3), rs.getBytes(4), info));
                }
            }
            return null;
        });
        return tokens;
    }

    public boolean isEmpty() {
        return byLookup.isEmpty();
    }

    /** Makes a new random token; the answer is the only time it exists outside the caller's hands. */
    public String create(String name, Role role, List<AppPattern> apps) throws NameTaken {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        adopt(name, token, role, apps);
        return token;
    }

    /** Stores the hash of a token made elsewhere (the first admin token, or one from an older runner's file). */
    public synchronized void adopt(String name, String token, Role role, List<AppPattern> apps) throws NameTaken {
        if (find(name).isPresent()) {
            throw new NameTaken(name);
        }
        byte[] bytes = token.getBytes(StandardCharsets.UTF_8);
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        Instant now = Instant.now();
        Stored row = new Stored(lookup(bytes), salt, verifier(salt, bytes),
                new TokenInfo(name, role, List.copyOf(apps), now.toString()));
        db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_tokens (name, lookup, salt, verifier, role,"
                    + " apps, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, name);
                ps.setString(2, row.lookup());
                ps.setBytes(3, salt);
                ps.setBytes(4, row.verifier());
                ps.setString(5, role.wireName());
                ps.setString(6, Json.write(apps.stream().map(AppPattern::text).toList()));
                ps.setObject(7, now.atOffset(ZoneOffset.UTC));
                ps.executeUpdate();
            }
            return null;
        });
        byLookup.put(row.lookup(), row);
    }

    /** The tokens, by name. */
    public List<TokenInfo> list() {
        List<TokenInfo> out = new ArrayList<>(byLookup.values().stream().map(Stored::info).toList());
        out.sort(Comparator.comparing(TokenInfo::name));
        return out;
    }

    public Optional<TokenInfo> find(String name) {
        return byLookup.values().stream().map(Stored::info).filter(i -> i.name().equals(name)).findFirst();
    }

    /**
     * Deletes the token named {@code name}; from the moment this returns no request with it is let in.
     *
     * @return false when there is no such token
     * @throws IllegalStateException when it is the last admin token: nobody could manage tokens any more
     */
    public synchronized boolean revoke(String name) {
        Optional<Stored> row = byLookup.values().stream().filter(s -> s.info().name().equals(name)).findFirst();
        if (row.isEmpty()) {
            return false;
        }
        boolean lastAdmin = row.get().info().role() == Role.ADMIN && byLookup.values().stream()
                .filter(s -> s.info().role() == Role.ADMIN).count() == 1;
        if (lastAdmin) {
            throw new IllegalStateException("token " + name + " is the last admin token; create another admin token"
                    + " before revoking it");
        }
        byLookup.remove(row.get().lookup());
        db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM api_tokens WHERE name = ?")) {
                ps.setString(1, name);
                ps.executeUpdate();
            }
            return null;
        });
        return true;
    }

    /** The caller a presented token stands for, or empty when it is no token of this runner. */
    public Optional<Caller> authenticate(String presented) {
        if (presented == null || presented.isEmpty() || presented.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        byte[] bytes = presented.getBytes(StandardCharsets.UTF_8);
        Stored row = byLookup.getOrDefault(lookup(bytes), DUMMY);
        boolean same = MessageDigest.isEqual(row.verifier(), verifier(row.salt(), bytes));
        return same && row != DUMMY ? Optional.of(row.info().caller()) : Optional.empty();
    }

    private static String lookup(byte[] token) {
        return HexFormat.of().formatHex(sha256().digest(token), 0, 8);
    }

    private static byte[] verifier(byte[] salt, byte[] token) {
        MessageDigest sha = sha256();
        sha.update(salt);
        return sha.digest(token);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
