package io.jenkins.plugins.slipway.runner.audit;

import io.jenkins.plugins.slipway.runner.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** The append-only audit log in the database: there is no way here to change or remove an entry. */
public final class AuditLog {
    private final Database db;

    public AuditLog(Database db) {
        this.db = db;
    }

    /** Appends one entry, its fields cut to the columns' sizes (a long path is still recorded, shortened). */
    public void append(String token, String method, String route, String app, String buildUrl, int status,
                       String remote) {
        db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log (at, token_name, method, route, app,"
                    + " build_url, status, remote) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setObject(1, Instant.now().atOffset(ZoneOffset.UTC));
                ps.setString(2, cut(token, 64));
                ps.setString(3, cut(method, 16));
                ps.setString(4, cut(route, 300));
                ps.setString(5, cut(app, 64));
                ps.setString(6, cut(buildUrl, 500));
                ps.setInt(7, status);
                ps.setString(8, cut(remote, 64));
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The newest {@code limit} entries, newest first; only those about {@code app} when it is not null. */
    public List<AuditEntry> newest(String app, int limit) {
        return db.tx(c -> {
            String where = app == null ? "" : " WHERE app = ?";
            try (PreparedStatement ps = c.prepareStatement("SELECT at, token_name, method, route, app, build_url, status,"
                    + " remote FROM audit_log" + where + " ORDER BY id DESC LIMIT ?")) {
                int i = 1;
                if (app != null) {
                    ps.setString(i++, app);
                }
                ps.setInt(i, limit);
                List<AuditEntry> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new AuditEntry(rs.getObject(1, OffsetDateTime.class).toInstant().toString(),
                                rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                                rs.getInt(7), rs.getString(8)));
                    }
                }
                return out;
            }
        });
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
