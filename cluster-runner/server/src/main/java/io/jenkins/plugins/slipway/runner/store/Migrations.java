package io.jenkins.plugins.slipway.runner.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalInt;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the database to the latest schema with Flyway: every {@code db/migration/V<n>__<what>.sql} on the class
 * path (found by scanning, so a new migration is just a new file), applied once each in version order and
 * recorded in {@code flyway_schema_history}.
 * <p>
 * Runners before Flyway kept their own bookkeeping in {@code schema_version} (one row per applied script). A data
 * dir written by one is adopted: Flyway baselines at the highest version found there and applies only the newer
 * scripts. That table is left as it was and no longer written.
 */
final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    static final String LOCATION = "classpath:db/migration";
    /** Flyway's own bookkeeping table (its default name). */
    private static final String HISTORY = "flyway_schema_history";

    private Migrations() {
    }

    static MigrateResult apply(String url, String user, String password) throws SQLException {
        return apply(url, user, password, LOCATION);
    }

    /** As {@link #apply(String, String, String)}, with the scripts of {@code locations}. */
    static MigrateResult apply(String url, String user, String password, String... locations) throws SQLException {
        FluentConfiguration config = Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(url, user, password)
                // The runner logs through SLF4J; naming it spares Flyway probing for other logging libraries.
                .loggers("slf4j")
                .locations(locations)
                .table(HISTORY)
                .failOnMissingLocations(true)
                .validateMigrationNaming(true);
        OptionalInt legacy = legacyVersion(url, user, password);
        if (legacy.isPresent()) {
            config.baselineOnMigrate(true)
                    .baselineVersion(String.valueOf(legacy.getAsInt()))
                    .baselineDescription("adopted from schema_version (runner before Flyway)");
        }
        MigrateResult result = config.load().migrate();
        String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
        LOG.info("Database schema at version {} ({} migration(s) applied now{})", version,
                result.migrationsExecuted, legacy.isPresent() ? "; schema_version of an older runner adopted at version "
                        + legacy.getAsInt() : "");
        return result;
    }

    /**
     * The highest version a runner before Flyway recorded, when its {@code schema_version} table is there and
     * Flyway has not taken over yet.
     */
    private static OptionalInt legacyVersion(String url, String user, String password) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            if (!hasTable(c, "SCHEMA_VERSION") || hasTable(c, HISTORY)) {
                return OptionalInt.empty();
            }
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT MAX(version) FROM schema_version")) {
                rs.next();
                int version = rs.getInt(1);
                return rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(version);
            }
        }
    }

    private static boolean hasTable(Connection c, String name) throws SQLException {
        try (ResultSet tables = c.getMetaData().getTables(null, null, name, new String[] {"TABLE"})) {
            return tables.next();
        }
    }
}
