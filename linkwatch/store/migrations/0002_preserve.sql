-- Preservation: every capture asked of a target (Save Page Now, a pywb
-- collection, local WARC files) and its outcome, and the capture link
-- linkwatch wrote into each citation's archive_url.

CREATE TABLE preserve_requests (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    target TEXT NOT NULL,
    -- saved | recent | pending | unconfirmed | retry-later | failed | unreachable | skipped
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    capture_url TEXT NOT NULL DEFAULT '',
    timestamp TEXT NOT NULL DEFAULT '',
    job_id TEXT NOT NULL DEFAULT '',
    -- the check run whose verdicts chose this URL
    run_id TEXT NOT NULL DEFAULT '',
    requested_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX preserve_requests_url ON preserve_requests(url, target, id);
CREATE INDEX preserve_requests_status ON preserve_requests(status);

-- What linkwatch wrote into citations.csv: a value there that differs from
-- this one was put there by a person and is never overwritten.
CREATE TABLE archive_links (
    citations_file TEXT NOT NULL,
    citation_id TEXT NOT NULL,
    url TEXT NOT NULL,
    archive_url TEXT NOT NULL,
    -- YYYY-MM-DD of the capture
    version_date TEXT NOT NULL DEFAULT '',
    -- 'check' (the good capture the check chose) or a preservation target's name
    origin TEXT NOT NULL,
    written_at TEXT NOT NULL,
    PRIMARY KEY (citations_file, citation_id)
);
