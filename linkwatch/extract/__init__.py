"""extract: a report (text, HTML, Markdown) becomes citation records."""
