-- Shared databases and the worker fleet. runs.scope is the identity of the
-- citations file a run checked (its absolute path), so one database can hold
-- the runs of many files. fleet_shards is a distributed run's plan: one row per
-- job handed to the workers (a group of whole hosts), 'done' once a worker has
-- stored its results; fleet_checks holds what the workers found, per URL, for
-- the coordinating run to judge. A shard's rows and its checks are written in
-- one transaction, so a job run twice is stored once.

ALTER TABLE runs ADD COLUMN scope TEXT NOT NULL DEFAULT '';
CREATE INDEX runs_scope ON runs(scope, state);

CREATE TABLE fleet_shards (
    run_id TEXT NOT NULL REFERENCES runs(id),
    shard INTEGER NOT NULL,
    -- queued | done
    state TEXT NOT NULL DEFAULT 'queued',
    -- the task queue's job id
    job_id INTEGER,
    -- the URLs, their citations and conditional-request validators
    payload_json TEXT NOT NULL,
    -- hosts answered / failed at network level, the shard's own outage verdict
    outcome_json TEXT NOT NULL DEFAULT '',
    worker TEXT NOT NULL DEFAULT '',
    finished_at TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, shard)
);

CREATE TABLE fleet_checks (
    run_id TEXT NOT NULL REFERENCES runs(id),
    url TEXT NOT NULL,
    shard INTEGER NOT NULL,
    etag TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    live_json TEXT NOT NULL,
    -- per citation id: the archive result and the change result
    answer_json TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (run_id, url)
);

-- What a distributed run was asked to do: the plan's digest (to resume only the
-- same run) and the options every worker applies.
CREATE TABLE fleet_runs (
    run_id TEXT PRIMARY KEY REFERENCES runs(id),
    plan TEXT NOT NULL,
    options_json TEXT NOT NULL,
    shards INTEGER NOT NULL
);
