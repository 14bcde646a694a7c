package io.jenkins.plugins.slipway.runner.store;

/** The embedded database failed; the runner cannot go on with that call. */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** True when the call failed because the data disk is full: nothing was written, and a retry may succeed. */
    public boolean diskFull() {
        return diskFull(this);
    }

    static boolean diskFull(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.io.IOException && c.getMessage() != null
                    && (c.getMessage().contains("No space left on device") || c.getMessage().contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }

    /** True when H2 had closed the database after a failed write; the next call opens it again. */
    public boolean databaseClosed() {
        for (Throwable c = this; c != null; c = c.getCause()) {
            if (c instanceof java.sql.SQLException s && s.getErrorCode() == org.h2.api.ErrorCode.DATABASE_IS_CLOSED) {
                return true;
            }
        }
        return false;
    }

    /** True when the file under the database failed (not the statement): the connection must be opened again. */
    static boolean isStorageFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.io.IOException || c.getClass().getName().equals("org.h2.mvstore.MVStoreException")) {
                return true;
            }
        }
        return false;
    }
}
