-- Scoped API tokens and the audit log. A token row holds no token: only a lookup key and a salted hash.
CREATE TABLE api_tokens (
    name        VARCHAR(64) PRIMARY KEY,
    lookup      VARCHAR(16) NOT NULL UNIQUE,  -- first 8 bytes of SHA-256(token), hex: finds the row to check
    salt        VARBINARY(16) NOT NULL,       -- random per token
    verifier    VARBINARY(32) NOT NULL,       -- SHA-256(salt || token)
    role        VARCHAR(8) NOT NULL,          -- read, deploy or admin
    apps        VARCHAR(2000) NOT NULL,       -- JSON array of app patterns
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Append-only: the runner inserts and reads rows, it never updates or deletes one.
CREATE TABLE audit_log (
    id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    at          TIMESTAMP WITH TIME ZONE NOT NULL,
    token_name  VARCHAR(64),                  -- null when no valid token was presented
    method      VARCHAR(16) NOT NULL,
    route       VARCHAR(300) NOT NULL,
    app         VARCHAR(64),
    build_url   VARCHAR(500),
    status      INT NOT NULL,
    remote      VARCHAR(64)
);
CREATE INDEX audit_log_app ON audit_log (app, id);
