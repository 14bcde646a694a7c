package io.jenkins.plugins.slipway.runner.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.jenkins.plugins.slipway.runner.Json;
import io.jenkins.plugins.slipway.runner.client.Cause;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Apps, revisions and replica sets. Methods take the caller's connection so several join one transaction. */
public final class AppRepository {

    public Optional<AppRecord> find(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT name, revision, latest_revision, current_release FROM apps WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(app(rs)) : Optional.empty();
            }
        }
    }

    public List<AppRecord> all(Connection c) throws SQLException {
        List<AppRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT name, revision, latest_revision, current_release FROM apps ORDER BY name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(app(rs));
            }
        }
        return out;
    }

    public void save(Connection c, AppRecord app) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "MERGE INTO apps (name, revision, latest_revision, current_release, created_at) KEY (name)"
                        + " VALUES (?, ?, ?, ?, COALESCE((SELECT created_at FROM apps WHERE name = ?), CURRENT_TIMESTAMP))")) {
            ps.setString(1, app.name());
            ps.setInt(2, app.revision());
            ps.setInt(3, app.latestRevision());
            ps.setString(4, app.currentRelease());
            ps.setString(5, app.name());
            ps.executeUpdate();
        }
    }

    /** Removes the app and everything it owns except its releases' history. */
    public void delete(Connection c, String name) throws SQLException {
        for (String table : List.of("restart_attempts", "replica_sets", "revisions", "apps")) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE "
                    + (table.equals("apps") ? "name" : "app") + " = ?")) {
                ps.setString(1, name);
                ps.executeUpdate();
            }
        }
    }

    public void saveRevision(Connection c, RevisionRecord r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO revisions (app, revision, compose, images,"
                + " spec_hash, service_revisions, cause, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)")) {
            ps.setString(1, r.app());
            ps.setInt(2, r.revision());
            ps.setString(3, r.compose());
            ps.setString(4, Json.write(r.images()));
            ps.setString(5, r.specHash());
            ps.setString(6, Json.write(r.serviceRevisions()));
            ps.setString(7, r.cause() == null ? null : Json.write(r.cause()));
            ps.executeUpdate();
        }
    }

    public Optional<RevisionRecord> revision(Connection c, String app, int revision) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT compose, images, spec_hash, service_revisions, cause"
                + " FROM revisions WHERE app = ? AND revision = ?")) {
            ps.setString(1, app);
            ps.setInt(2, revision);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String cause = rs.getString(5);
                return Optional.of(new RevisionRecord(app, revision, rs.getString(1),
                        Json.read(rs.getString(2), new TypeReference<Map<String, String>>() { }),
                        rs.getString(3),
                        Json.read(rs.getString(4), new TypeReference<Map<String, Integer>>() { }),
                        cause == null ? null : Json.read(cause, Cause.class)));
            }
        }
    }

    public List<ReplicaSet> replicaSets(Connection c, String app) throws SQLException {
        List<ReplicaSet> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT service, revision, replicas, weight FROM replica_sets"
                + " WHERE app = ? ORDER BY service, revision")) {
            ps.setString(1, app);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ReplicaSet(app, rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getInt(4)));
                }
            }
        }
        return out;
    }

    /** Replaces the app's whole desired state. */
    public void saveReplicaSets(Connection c, String app, List<ReplicaSet> sets) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM replica_sets WHERE app = ?")) {
            ps.setString(1, app);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO replica_sets (app, service, revision, replicas, weight) VALUES (?, ?, ?, ?, ?)")) {
            for (ReplicaSet s : sets) {
                ps.setString(1, app);
                ps.setString(2, s.service());
                ps.setInt(3, s.revision());
                ps.setInt(4, s.replicas());
                ps.setInt(5, s.weight());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static AppRecord app(ResultSet rs) throws SQLException {
        return new AppRecord(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getString(4));
    }
}
