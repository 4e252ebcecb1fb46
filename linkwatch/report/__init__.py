"""report: what a run found, for people (Markdown, HTML) and machines (JSON, CSV)."""
