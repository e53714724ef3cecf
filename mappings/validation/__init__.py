"""Validation: every rule DMS documents checked on its own (``rule_checks``) and against a source schema
(``schema_checks``). Import the modules; this package re-exports nothing, so the document model can
import its checks without a cycle."""
