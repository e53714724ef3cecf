"""The CDKTF constructs: a MySQL source, a DynamoDB single table, and the DMS pipeline between them.

Start at ``pipeline.DmsMigrationPipeline``. What a source or a target must offer is in
``interfaces`` (any object with those members plugs in); the pieces that already exist are in
``existing``; every provider import goes through ``aws``. Import the modules: this package
re-exports nothing, so importing one construct loads only what it needs.
"""
