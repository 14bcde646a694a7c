package io.jenkins.plugins.slipway.runner.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.jenkins.plugins.slipway.runner.Json;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Releases and their event logs. */
public final class ReleaseRepository {
    private static final String COLUMNS =
            "id, app, from_revision, to_revision, strategy, phase, step, step_count, canary_weight, message, state";

    public Optional<ReleaseRecord> find(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM releases WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(release(rs)) : Optional.empty();
            }
        }
    }

    /** Releases that are not in a terminal phase: the ones a (re)started runner drives. */
    public List<ReleaseRecord> active(Connection c) throws SQLException {
        List<ReleaseRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM releases"
                + " WHERE phase IN ('Pending', 'Progressing', 'Paused') ORDER BY created_at")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(release(rs));
                }
            }
        }
        return out;
    }

    public void save(Connection c, ReleaseRecord r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("MERGE INTO releases (" + COLUMNS + ", created_at, updated_at)"
                + " KEY (id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " COALESCE((SELECT created_at FROM releases WHERE id = ?), CURRENT_TIMESTAMP), CURRENT_TIMESTAMP)")) {
            ps.setString(1, r.id());
            ps.setString(2, r.app());
            ps.setObject(3, r.fromRevision());
            ps.setInt(4, r.toRevision());
            ps.setString(5, r.strategy());
            ps.setString(6, r.phase().name());
            ps.setInt(7, r.step());
            ps.setInt(8, r.stepCount());
            ps.setInt(9, r.canaryWeight());
            ps.setString(10, truncate(r.message()));
            ps.setString(11, r.state());
            ps.setString(12, r.id());
            ps.executeUpdate();
        }
    }

    public long lastSequence(Connection c, String releaseId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM events WHERE release_id = ?")) {
            ps.setString(1, releaseId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public void appendEvent(Connection c, ReleaseEvent e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO events (release_id, seq, type, time, phase, message, data)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, e.release());
            ps.setLong(2, e.id());
            ps.setString(3, e.type());
            ps.setString(4, e.time());
            ps.setString(5, e.phase().name());
            ps.setString(6, truncate(e.message()));
            ps.setString(7, Json.write(e.data()));
            ps.executeUpdate();
        }
    }

    /** Events of a release with a sequence greater than {@code after}, in order. */
    public List<ReleaseEvent> events(Connection c, String releaseId, String app, long after) throws SQLException {
        List<ReleaseEvent> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, type, time, phase, message, data FROM events"
                + " WHERE release_id = ? AND seq > ? ORDER BY seq")) {
            ps.setString(1, releaseId);
            ps.setLong(2, after);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ReleaseEvent(rs.getLong(1), rs.getString(2), releaseId, app, rs.getString(3),
                            Phase.valueOf(rs.getString(4)), rs.getString(5),
                            Json.read(rs.getString(6), new TypeReference<Map<String, Object>>() { })));
                }
            }
        }
        return out;
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 2000 ? s : s.substring(0, 1997) + "...";
    }

    private static ReleaseRecord release(ResultSet rs) throws SQLException {
        return new ReleaseRecord(rs.getString(1), rs.getString(2), (Integer) rs.getObject(3), rs.getInt(4),
                rs.getString(5), Phase.valueOf(rs.getString(6)), rs.getInt(7), rs.getInt(8), rs.getInt(9),
                rs.getString(10), rs.getString(11));
    }
}
