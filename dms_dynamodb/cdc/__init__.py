"""CDC: the tool's own follower of the MySQL row binlog, applied to DynamoDB as DMS's CDC phase would.

Inside: ``follower`` (the entry point, :func:`dms_dynamodb.cdc.follower.follow`, and the change
applier), ``checkpoint`` (binlog positions, the checkpoint file and its lock, the source head),
``apply_exceptions`` (the ``awsdms_apply_exceptions`` table the follower and DMS write), ``command``
(``dms-dynamodb cdc``: :func:`dms_dynamodb.cdc.command.cmd_cdc`, arguments, signals, the resume command).
"""
