"""Verify: the source against the target, as DMS data validation would if it covered DynamoDB.

Inside: ``full`` (the entry point, :func:`dms_dynamodb.verify.full.verify`, and its result and
report), ``sides`` (each side read into SQLite), ``recheck`` (point reads of one key on both sides),
``settle`` (``--settle``: a difference re-read until it persists or resolves), ``incremental``
(``--since``: only the keys the binlog says changed).
"""
