"""``python -m linkwatch``: the same as the ``linkwatch`` command."""

from linkwatch.cli import main

main()
