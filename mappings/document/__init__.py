"""The DMS table-mapping document: its rules and closed value sets, the wire format, parsing, the builder."""

from mappings.document.table_mappings import TableMappings, issues_for, parse_rule_fragment

__all__ = ["TableMappings", "issues_for", "parse_rule_fragment"]
