"""Which source tables a task migrates, and how: the one table resolver every command uses.

``check``, ``check-stack``, ``preflight`` and the plan behind ``load``, ``verify``, ``cdc`` and
``rehearse`` all ask this module, so they cannot disagree. Tables are keyed by ``(schema, table)``
everywhere: two schemas may hold tables of one name with different columns.

What DMS documents (CHAP_Tasks.CustomizingTasks.TableMapping.SelectionTransformation.Selections):
- selection rules are case-sensitive; ``%`` and ``_`` are wildcards in ``include`` and ``exclude``
  rules, ``explicit`` names exactly one schema and table;
- ``table-type`` is ``table`` (the default), ``view`` or ``all``: a view is selected only by a rule
  that asks for views;
- a table any ``exclude`` rule selects is not migrated, whatever includes it.
Assumption (DMS does not say): when several object-mapping rules match a table, the first one (in
document order) is the one DMS applies. All matches are kept, so the checks can check every rule.

A locator that matches a table only when case is ignored, or nothing at all, is a :class:`NearMiss`:
the commands report it, the same way, instead of silently matching or silently dropping the table.
Whether the source compares names case-insensitively (MySQL's ``lower_case_table_names``) is the
caller's ``ignore_case``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from mappings.document.enums import SelectionAction, TableType
from mappings.document.rules import ObjectLocator, ObjectMappingRule, Rule, SelectionRule
from mappings.document.wildcards import matches
from mappings.schema import SourceSchema, Table

TableKey = tuple[str, str]  # (schema, table)


@dataclass(frozen=True, slots=True)
class RuleAt:
    """A selection or object-mapping rule with its position in the document."""

    index: int
    rule: SelectionRule | ObjectMappingRule

    @property
    def path(self) -> str:
        return f"$.rules[{self.index}]"

    @property
    def locator(self) -> ObjectLocator:
        return self.rule.object_locator

    @property
    def label(self) -> str:
        loc = self.locator
        return f"rule-id {self.rule.rule_id} ({self.rule.rule_name}): {loc.schema_name}.{loc.table_name}"


@dataclass(frozen=True, slots=True)
class TableResolution:
    """What a task does with one source table or view."""

    schema: str
    table: Table
    #: The include and explicit rules that select it (empty: not selected).
    selected_by: tuple[RuleAt, ...] = ()
    #: The first exclude rule that selects it (None: not excluded).
    excluded_by: RuleAt | None = None
    #: Every object-mapping rule whose locator matches it, in document order (the first applies).
    mappings: tuple[RuleAt, ...] = ()

    @property
    def key(self) -> TableKey:
        return (self.schema, self.table.name)

    @property
    def is_view(self) -> bool:
        return self.table.is_view

    @property
    def included(self) -> bool:
        """Selected and not excluded: DMS migrates it."""
        return bool(self.selected_by) and self.excluded_by is None

    @property
    def mapped_by(self) -> RuleAt | None:
        """The object-mapping rule DMS applies to it (None: not migrated, or migrated without one)."""
        return self.mappings[0] if self.included and self.mappings else None

    @property
    def mapping(self) -> ObjectMappingRule | None:
        found = self.mapped_by
        return found.rule if found is not None and isinstance(found.rule, ObjectMappingRule) else None


class NearMissKind(StrEnum):
    """Why a locator is worth a word: it matches only when case is ignored, or it matches nothing."""

    CASE_MISMATCH = "case-mismatch"
    MATCHES_NOTHING = "matches-nothing"


@dataclass(frozen=True, slots=True)
class NearMiss:
    """A selection or object-mapping locator that does not match what its author probably meant."""

    kind: NearMissKind
    rule: RuleAt
    #: For a case mismatch: the ``(schema, table)`` names it matches only when case is ignored.
    matches_ignoring_case: tuple[TableKey, ...] = ()

    @property
    def message(self) -> str:
        loc = self.rule.locator
        written = f"{loc.schema_name}.{loc.table_name}"
        if self.kind is NearMissKind.CASE_MISMATCH:
            found = ", ".join(f"{s}.{t}" for s, t in self.matches_ignoring_case)
            return (
                f"{self.rule.label}: the locator {written!r} matches {found} only when case is ignored; DMS "
                "compares names case-sensitively unless the source ignores case (lower_case_table_names), so "
                f"write the names as the source spells them"
            )
        return f"{self.rule.label}: the locator {written!r} matches no table of the source"


@dataclass(frozen=True)
class Resolution:
    """Every table of the schemas resolved against one task's rules, and the locators' near misses."""

    tables: Mapping[TableKey, TableResolution]
    near_misses: tuple[NearMiss, ...]

    def get(self, schema: str, table: str) -> TableResolution | None:
        return self.tables.get((schema, table))

    @property
    def included(self) -> list[TableResolution]:
        """The tables and views DMS migrates, in ``(schema, table)`` order."""
        return [r for key, r in sorted(self.tables.items()) if r.included]

    @property
    def mapped(self) -> list[TableResolution]:
        return [r for r in self.included if r.mapped_by is not None]

    @property
    def unmapped(self) -> list[TableResolution]:
        """Selected without an object mapping: DMS migrates each into a table it creates (not modeled)."""
        return [r for r in self.included if r.mapped_by is None]

    def matched_by(self, index: int) -> list[TableResolution]:
        """The tables the rule at ``index`` matches, whether or not they are migrated."""
        return [
            r
            for key, r in sorted(self.tables.items())
            if any(at.index == index for at in (*r.selected_by, *r.mappings))
            or (r.excluded_by is not None and r.excluded_by.index == index)
        ]


def locator_matches(
    locator: ObjectLocator,
    schema: str,
    table: str,
    *,
    exact: bool = False,
    ignore_case: bool = False,
    any_schema: bool = False,
) -> bool:
    """Whether a locator names ``schema.table``: by pattern, or ``exact`` (``explicit`` rules).

    ``any_schema``: the schema is whatever the locators name (DDL read without a database name).
    """
    if exact:

        def same(written: str, name: str) -> bool:
            return written.lower() == name.lower() if ignore_case else written == name

        return (any_schema or same(locator.schema_name or "", schema)) and same(locator.table_name or "", table)
    schema_hit = any_schema or matches(locator.schema_name or "", schema, ignore_case=ignore_case)
    return schema_hit and matches(locator.table_name or "", table, ignore_case=ignore_case)


def selects_type(locator: ObjectLocator, is_view: bool) -> bool:
    """``table-type``: ``table`` (the default) selects tables, ``view`` views, ``all`` both."""
    wanted = locator.table_type or TableType.TABLE
    return wanted is TableType.ALL or (wanted is TableType.VIEW) == is_view


def selection_of(
    rules: Sequence[RuleAt],
    schema: str,
    table: str,
    *,
    is_view: bool | None = False,
    ignore_case: bool = False,
    any_schema: bool = False,
) -> tuple[tuple[RuleAt, ...], RuleAt | None]:
    """The include/explicit rules that select ``schema.table``, and the first exclude rule that does.

    ``is_view``: None when the object's type is not known (a locator checked against locators).
    """
    selected: list[RuleAt] = []
    excluded: RuleAt | None = None
    for at in rules:
        rule = at.rule
        if not isinstance(rule, SelectionRule):
            continue
        if is_view is not None and not selects_type(rule.object_locator, is_view):
            continue
        exact = rule.rule_action is SelectionAction.EXPLICIT
        loc = rule.object_locator
        if not locator_matches(loc, schema, table, exact=exact, ignore_case=ignore_case, any_schema=any_schema):
            continue
        if rule.rule_action is SelectionAction.EXCLUDE:
            excluded = excluded or at
        else:
            selected.append(at)
    return tuple(selected), excluded


def located(rules: Iterable[Rule]) -> list[RuleAt]:
    """The selection and object-mapping rules of a document, with their positions."""
    return [
        RuleAt(index, rule) for index, rule in enumerate(rules) if isinstance(rule, (SelectionRule, ObjectMappingRule))
    ]


def resolve(rules: Iterable[Rule], schemas: Iterable[SourceSchema], *, ignore_case: bool = False) -> Resolution:
    """Resolve every table of ``schemas`` against the rules, and find the locators' near misses.

    Names compare case-insensitively when ``ignore_case`` or when a schema says its server does
    (``SourceSchema.names_ignore_case``, read from ``lower_case_table_names``).
    """
    at = located(rules)
    sources = list(schemas)
    ignore_case = ignore_case or any(s.names_ignore_case for s in sources)
    tables: dict[TableKey, TableResolution] = {}
    for source in sources:
        for table in source.tables.values():
            any_schema = source.name == ""
            selected, excluded = selection_of(
                at, source.name, table.name, is_view=table.is_view, ignore_case=ignore_case, any_schema=any_schema
            )
            mappings = tuple(
                r
                for r in at
                if isinstance(r.rule, ObjectMappingRule)
                and locator_matches(r.locator, source.name, table.name, ignore_case=ignore_case, any_schema=any_schema)
            )
            tables[(source.name, table.name)] = TableResolution(source.name, table, selected, excluded, mappings)
    return Resolution(tables, tuple(_near_misses(at, sources, ignore_case)))


def _near_misses(rules: Sequence[RuleAt], schemas: Sequence[SourceSchema], ignore_case: bool) -> Iterable[NearMiss]:
    names = [(s.name, t.name) for s in schemas for t in s.tables.values()]
    for at in rules:
        if _hits(at, names, ignore_case):
            continue
        loose = _hits(at, names, True)
        if loose and not ignore_case:
            yield NearMiss(NearMissKind.CASE_MISMATCH, at, loose)
        elif not (isinstance(at.rule, SelectionRule) and at.rule.rule_action is SelectionAction.EXCLUDE):
            yield NearMiss(NearMissKind.MATCHES_NOTHING, at)  # an exclude that matches nothing does no harm


def _hits(at: RuleAt, names: Sequence[TableKey], ignore_case: bool) -> tuple[TableKey, ...]:
    exact = isinstance(at.rule, SelectionRule) and at.rule.rule_action is SelectionAction.EXPLICIT
    return tuple(
        (s, t)
        for s, t in names
        if locator_matches(at.locator, s, t, exact=exact, ignore_case=ignore_case, any_schema=s == "")
    )


def schemas_named(rules: Iterable[Rule], available: Iterable[str]) -> list[str]:
    """The schemas of ``available`` that any locator names, case ignored (so near misses can be reported)."""
    patterns = [at.locator.schema_name or "" for at in located(rules)]
    return [name for name in available if any(matches(p, name, ignore_case=True) for p in patterns)]
