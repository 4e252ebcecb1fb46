"""archives: for every cited URL, the web-archive capture that shows what the author saw."""
