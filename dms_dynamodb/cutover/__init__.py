"""Cutover: the gate before the application switches to DynamoDB, each check named with its figure.

Inside: ``checks`` (each check of the gate, for the tool's follower or a DMS task) and ``command``
(``dms-dynamodb cutover``: the entry point, :func:`dms_dynamodb.cutover.command.cmd_cutover`).
"""
