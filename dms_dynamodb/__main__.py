"""``python -m dms_dynamodb``: the same as the ``dms-dynamodb`` command."""

from dms_dynamodb.cli import main

raise SystemExit(main())
