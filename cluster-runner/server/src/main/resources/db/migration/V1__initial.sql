-- Apps, their revisions, the replica sets the reconciler keeps, releases and their events.
CREATE TABLE apps (
    name             VARCHAR(64) PRIMARY KEY,
    revision         INT NOT NULL,           -- revision meant to serve (last good, or the one releasing)
    latest_revision  INT NOT NULL,           -- highest revision number handed out
    current_release  VARCHAR(64),
    created_at       TIMESTAMP NOT NULL
);

CREATE TABLE revisions (
    app          VARCHAR(64) NOT NULL,
    revision     INT NOT NULL,
    compose      CLOB NOT NULL,
    images       CLOB NOT NULL,              -- JSON map service -> image override
    spec_hash    VARCHAR(64) NOT NULL,       -- of the effective spec, to detect an unchanged deploy
    service_revisions CLOB NOT NULL,         -- JSON map service -> revision whose containers run it
    cause        CLOB,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (app, revision)
);

-- The desired state: how many replicas of a service at a revision must run, and its route weight.
CREATE TABLE replica_sets (
    app       VARCHAR(64) NOT NULL,
    service   VARCHAR(64) NOT NULL,
    revision  INT NOT NULL,
    replicas  INT NOT NULL,
    weight    INT NOT NULL,
    PRIMARY KEY (app, service, revision)
);

CREATE TABLE releases (
    id             VARCHAR(64) PRIMARY KEY,
    app            VARCHAR(64) NOT NULL,
    from_revision  INT,
    to_revision    INT NOT NULL,
    strategy       VARCHAR(32) NOT NULL,
    phase          VARCHAR(16) NOT NULL,
    step           INT NOT NULL,
    step_count     INT NOT NULL,
    canary_weight  INT NOT NULL,
    message        VARCHAR(2000),
    state          CLOB NOT NULL,            -- the strategy's own progress, JSON, so a restart resumes
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX releases_app ON releases (app, created_at);

CREATE TABLE events (
    release_id  VARCHAR(64) NOT NULL,
    seq         BIGINT NOT NULL,
    type        VARCHAR(32) NOT NULL,
    time        VARCHAR(40) NOT NULL,
    phase       VARCHAR(16) NOT NULL,
    message     VARCHAR(2000) NOT NULL,
    data        CLOB NOT NULL,
    PRIMARY KEY (release_id, seq)
);
