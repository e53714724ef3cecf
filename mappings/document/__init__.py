"""The DMS table-mapping document: its rules and closed value sets, the wire format, parsing, the builder.

It re-exports nothing: ``mappings.validation`` imports the rule model (``enums``, ``rules``) and
``table_mappings`` imports the checks, so a re-export here would run the checks' import from inside
their own import (a circle). Import ``TableMappings`` from ``mappings`` or ``mappings.document.table_mappings``.
"""
