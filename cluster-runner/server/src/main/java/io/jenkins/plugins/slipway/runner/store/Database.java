package io.jenkins.plugins.slipway.runner.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import org.h2.api.ErrorCode;
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

    private final String url;
    private final ReentrantLock lock = new ReentrantLock();
    private Connection connection;
    /** H2 closes a database whose file could not be written (a full disk): the next call opens it again. */
    private boolean broken;

    private Database(String url, Connection connection) {
        this.url = url;
        this.connection = connection;
    }

    /** Opens (creating when absent) {@code dir/runner.mv.db} and migrates it to the latest schema. */
    public static Database open(Path dir) throws SQLException {
        String url = "jdbc:h2:file:" + dir.resolve("runner").toAbsolutePath() + ";WRITE_DELAY=0";
        Migrations.apply(url, USER, "");
        return new Database(url, DriverManager.getConnection(url, USER, ""));
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
            Connection c = connection();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            } finally {
                try {
                    c.setAutoCommit(true);
                } catch (SQLException closed) {
                    broken = true;
                }
            }
        } catch (SQLException e) {
            broken |= StoreException.isStorageFailure(e) || e.getErrorCode() == ErrorCode.DATABASE_IS_CLOSED;
            throw new StoreException("database call failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The connection, opened again when the last call left the database closed: H2 closes it when a write fails
     * (the disk is full), and what was committed before is intact in the file, so opening it again is all the
     * recovery there is. While the disk stays full the writes fail again; when space returns they succeed.
     */
    private Connection connection() throws SQLException {
        if (broken || connection.isClosed()) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Closing the failed connection: {}", e.getMessage());
            }
            connection = DriverManager.getConnection(url, USER, "");
            broken = false;
            LOG.info("Database opened again after a failed write");
        }
        return connection;
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
