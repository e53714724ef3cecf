"""Cutover: the gate before the application switches to DynamoDB, each check named with its figure.

Inside: ``checks`` (each check of the gate, for the tool's follower or a DMS task, and the last one,
held to the end), ``evidence`` (the clean full verify report ``--since`` reads, and its
``VERIFIED_AT`` record), ``aws`` (the task ARN's form, AWS clients, no verdict without them) and
``command`` (``dms-dynamodb cutover``: the entry point, :func:`dms_dynamodb.cutover.command.cmd_cutover`).
"""
