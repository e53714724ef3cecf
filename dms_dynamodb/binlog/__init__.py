"""The one reading of the binlog, closed world: every event the follower and ``verify --since`` see is one class.

Inside: ``reading`` (the entry point, :class:`dms_dynamodb.binlog.reading.Reading` and the classifier),
``statements`` (the statement forms it knows), ``transactions`` (savepoints, held XA transactions),
``advice`` (what ``check-stack`` says about cascades; how to keep sessions off the binlog settings).
"""
