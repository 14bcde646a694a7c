package io.jenkins.plugins.slipway.runner.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Restart attempts per replica slot. Methods take the caller's connection so several join one transaction. */
public final class RestartRepository {

    public List<RestartRecord> all(Connection c) throws SQLException {
        List<RestartRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT app, service, revision, replica, attempts,"
                + " replacement_started_at FROM restart_attempts ORDER BY app, service, revision, replica");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new RestartRecord(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4), rs.getInt(5),
                        rs.getLong(6)));
            }
        }
        return out;
    }

    public void save(Connection c, RestartRecord r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("MERGE INTO restart_attempts (app, service, revision, replica,"
                + " attempts, replacement_started_at) KEY (app, service, revision, replica) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, r.app());
            ps.setString(2, r.service());
            ps.setInt(3, r.revision());
            ps.setInt(4, r.replica());
            ps.setInt(5, r.attempts());
            ps.setLong(6, r.replacementStartedAt());
            ps.executeUpdate();
        }
    }

    /** Forgets one slot's attempts: its count is back to 0, or the slot is gone. Absent is not an error. */
    public void delete(Connection c, String app, String service, int revision, int replica) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM restart_attempts WHERE app = ? AND service = ? AND revision = ? AND replica = ?")) {
            ps.setString(1, app);
            ps.setString(2, service);
            ps.setInt(3, revision);
            ps.setInt(4, replica);
            ps.executeUpdate();
        }
    }
}
