-- The core tables of the live check: runs, the per-URL history, every check,
-- the fingerprint of every fetched page, and each run's per-citation results.

CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    citations_file TEXT NOT NULL DEFAULT '',
    -- running | complete | inconclusive | interrupted
    state TEXT NOT NULL DEFAULT 'running',
    inconclusive_reason TEXT NOT NULL DEFAULT '',
    skipped_json TEXT NOT NULL DEFAULT '[]',
    options_json TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX runs_started ON runs(started_at);

CREATE TABLE urls (
    url TEXT PRIMARY KEY,
    first_seen TEXT NOT NULL,
    last_checked TEXT NOT NULL DEFAULT '',
    last_status TEXT NOT NULL DEFAULT '',
    last_success TEXT NOT NULL DEFAULT '',
    failing_since TEXT NOT NULL DEFAULT '',
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    -- failed runs at least the confirmation spacing apart
    counted_failures INTEGER NOT NULL DEFAULT 0,
    last_counted_failure TEXT NOT NULL DEFAULT '',
    confirmed_dead INTEGER NOT NULL DEFAULT 0,
    etag TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT ''
);

CREATE TABLE checks (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs(id),
    url TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    status TEXT NOT NULL,
    http_status INTEGER,
    final_url TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    etag TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    live_json TEXT NOT NULL
);
CREATE INDEX checks_url ON checks(url, id);
CREATE INDEX checks_run ON checks(run_id);

CREATE TABLE fingerprints (
    check_id INTEGER PRIMARY KEY REFERENCES checks(id),
    url TEXT NOT NULL,
    payload_sha1 TEXT NOT NULL DEFAULT '',
    text_simhash TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL DEFAULT '',
    length INTEGER NOT NULL DEFAULT 0,
    words INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX fingerprints_url ON fingerprints(url, check_id);

CREATE TABLE results (
    run_id TEXT NOT NULL REFERENCES runs(id),
    position INTEGER NOT NULL,
    citation_id TEXT NOT NULL,
    url TEXT NOT NULL DEFAULT '',
    verdict TEXT NOT NULL,
    live_status TEXT NOT NULL DEFAULT '',
    archive_status TEXT NOT NULL DEFAULT '',
    change_status TEXT NOT NULL DEFAULT '',
    data_json TEXT NOT NULL,
    PRIMARY KEY (run_id, position)
);
CREATE INDEX results_verdict ON results(run_id, verdict);
CREATE INDEX results_url ON results(url);
