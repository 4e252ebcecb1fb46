-- The archive stage: what each archive answered for a URL and target date (a
-- good capture kept forever once settled; "no good capture" until expires_at),
-- every capture fetched and judged (captures never change, so kept forever,
-- with the main text change detection compares), and per-URL drift history.

CREATE TABLE archive_lookups (
    archive TEXT NOT NULL,
    url TEXT NOT NULL,
    -- the target period as written (YYYY-MM-DD, YYYY-MM, YYYY) or '' when unknown
    target TEXT NOT NULL,
    window_days INTEGER NOT NULL,
    status TEXT NOT NULL,
    result_json TEXT NOT NULL,
    looked_up_at TEXT NOT NULL,
    -- '' = never
    expires_at TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (archive, url, target, window_days)
);

CREATE TABLE archive_captures (
    raw_url TEXT PRIMARY KEY,
    memento_json TEXT NOT NULL,
    http_status INTEGER,
    content_type TEXT NOT NULL DEFAULT '',
    payload_sha1 TEXT NOT NULL DEFAULT '',
    -- '' for a good capture, else why it is not
    problem TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    headings_json TEXT NOT NULL DEFAULT '[]',
    main_text TEXT NOT NULL DEFAULT '',
    fetched_at TEXT NOT NULL
);

CREATE TABLE drift (
    url TEXT PRIMARY KEY,
    -- when the live page was first seen to differ from the cited capture ('' = not now)
    first_seen_changed TEXT NOT NULL DEFAULT '',
    -- when the live page was last seen to change from one run to the next
    last_changed_between_runs TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);
