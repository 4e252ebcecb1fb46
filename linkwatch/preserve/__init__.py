"""preserve: ask archives to capture what is at risk, keep local WARC copies."""
