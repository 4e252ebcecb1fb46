"""live: every cited URL checked on the live web and judged."""
