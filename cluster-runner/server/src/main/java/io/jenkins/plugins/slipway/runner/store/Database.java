package io.jenkins.plugins.slipway.runner.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's embedded H2 database in the data dir. Schema changes are ordered scripts
 * ({@code db/migration/V<n>__*.sql}) that {@link Migrations} applies with Flyway when the database opens, so a
 * newer runner upgrades an older data dir in place.
 * <p>
 * One connection, used under a lock: the runner's write rate is a few statements per second and one
 * connection keeps every write ordered. {@code WRITE_DELAY=0} makes a commit reach the file before the call
 * returns, so a {@code kill -9} loses nothing that was acknowledged.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final String USER = "slipway";

    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();

    private Database(Connection connection) {
        this.connection = connection;
    }

    /** Opens (creating when absent) {@code dir/runner.mv.db} and migrates it to the latest schema. */
    public static Database open(Path dir) throws SQLException {
        String url = "jdbc:h2:file:" + dir.resolve("runner").toAbsolutePath() + ";WRITE_DELAY=0";
        Migrations.apply(url, USER, "");
        return new Database(DriverManager.getConnection(url, USER, ""));
    }

    /** Work done with the connection, inside one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in a transaction: committed when it returns, rolled back when it throws. */
    public <T> T tx(Work<T> work) {
        lock.lock();
        try {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("database call failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.warn("Closing the database failed: {}", e.getMessage());
        } finally {
            lock.unlock();
        }
    }
}
