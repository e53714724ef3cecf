"""``python -m rehearsal``: the same as the ``dms-dynamodb`` command."""

from rehearsal.cli import main

raise SystemExit(main())
