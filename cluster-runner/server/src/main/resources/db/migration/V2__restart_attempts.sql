-- Restart attempts per replica slot (max_attempts, restart_policy.window), kept here rather than in memory so
-- that a restarted runner, even after kill -9, goes on counting where it was. A slot without a row has 0.
CREATE TABLE restart_attempts (
    app                     VARCHAR(64) NOT NULL,
    service                 VARCHAR(64) NOT NULL,
    revision                INT NOT NULL,
    replica                 INT NOT NULL,
    attempts                INT NOT NULL,
    replacement_started_at  BIGINT NOT NULL,  -- epoch ms the latest replacement started; 0 until it has
    PRIMARY KEY (app, service, revision, replica)
);
