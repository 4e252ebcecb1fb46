"""store: the SQLite history of runs, URLs, checks, captures and fingerprints."""
