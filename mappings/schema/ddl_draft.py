"""The schema while a DDL file is read: tables that statements create and ALTER, frozen at the end.

It keeps what the frozen model does not (constraint and index names, the indexes InnoDB adds for
foreign keys) because later statements refer to them: ``DROP FOREIGN KEY fk_x``, ``DROP INDEX k``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from mappings.schema.ddl_columns import ColumnSpec
from mappings.schema.ddl_tokens import DdlError
from mappings.schema.model import Column, ForeignKey, Index, IndexKind, SourceSchema, Table


@dataclass(slots=True)
class _Key:
    name: str
    columns: tuple[str, ...]
    kind: IndexKind = IndexKind.PLAIN
    for_foreign_key: bool = False  # added by InnoDB for a foreign key; dropped when another index serves it


@dataclass(slots=True)
class TableDraft:
    """One table or view being built; ``freeze`` gives the model's ``Table``."""

    name: str
    columns: list[Column] = field(default_factory=list)
    primary_key: tuple[str, ...] = ()
    unique_keys: list[_Key] = field(default_factory=list)
    indexes: list[_Key] = field(default_factory=list)
    foreign_keys: dict[str, ForeignKey] = field(default_factory=dict)
    is_view: bool = False
    #: The name InnoDB gives the index it adds for a foreign key: the constraint's, else FOREIGN KEY's own.
    foreign_key_index_names: dict[str, str] = field(default_factory=dict)

    def column_name(self, name: str) -> str:
        """The column's name as declared (MySQL column names are case-insensitive)."""
        for column in self.columns:
            if column.name.lower() == name.lower():
                return column.name
        raise DdlError(f"{name!r} is not a column of {self.name}")

    def _position(self, name: str) -> int:
        wanted = self.column_name(name)
        return next(i for i, c in enumerate(self.columns) if c.name == wanted)

    def add_column(self, spec: ColumnSpec, *, first: bool = False, after: str | None = None) -> None:
        if any(c.name.lower() == spec.column.name.lower() for c in self.columns):
            raise DdlError(f"{self.name} already has a column {spec.column.name}")
        index = 0 if first else self._position(after) + 1 if after else len(self.columns)
        self.columns.insert(index, spec.column)
        self._inline_keys(spec)

    def replace_column(self, old: str, spec: ColumnSpec, *, first: bool = False, after: str | None = None) -> None:
        """MODIFY / CHANGE: a new definition (and maybe a new name and place) for an existing column."""
        index = self._position(old)
        old_name = self.columns.pop(index).name
        self.columns.insert(index, spec.column)
        if first or after:
            self.columns.remove(spec.column)
            self.columns.insert(0 if first else self._position(after or "") + 1, spec.column)
        if old_name != spec.column.name:
            self._rename_in_keys(old_name, spec.column.name)
        self._inline_keys(spec)

    def _inline_keys(self, spec: ColumnSpec) -> None:
        if spec.primary_key:
            self.set_primary_key((spec.column.name,))
        if spec.unique:
            self.add_unique_key("", (spec.column.name,))

    def rename_column(self, old: str, new: str) -> None:
        index = self._position(old)
        old_name = self.columns[index].name
        self.columns[index] = dataclasses.replace(self.columns[index], name=new)
        self._rename_in_keys(old_name, new)

    def _rename_in_keys(self, old: str, new: str) -> None:
        def renamed(columns: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(new if c == old else c for c in columns)

        self.primary_key = renamed(self.primary_key)
        for key in (*self.unique_keys, *self.indexes):
            key.columns = renamed(key.columns)
        for name, fk in self.foreign_keys.items():
            self.foreign_keys[name] = dataclasses.replace(fk, columns=renamed(fk.columns))

    def drop_column(self, name: str) -> None:
        """The column goes, and with it from every key (a key left without columns goes too)."""
        dropped = self.columns.pop(self._position(name)).name
        self.primary_key = tuple(c for c in self.primary_key if c != dropped)
        for keys in (self.unique_keys, self.indexes):
            for key in keys:
                key.columns = tuple(c for c in key.columns if c != dropped)
            keys[:] = [k for k in keys if k.columns]
        self.foreign_keys = {n: fk for n, fk in self.foreign_keys.items() if dropped not in fk.columns}

    def key_columns(self, names: list[str]) -> tuple[str, ...]:
        return tuple(self.column_name(n) for n in names)

    def set_primary_key(self, columns: tuple[str, ...]) -> None:
        if self.primary_key:
            raise DdlError(f"{self.name} has a primary key already (MySQL allows one)")
        self.primary_key = self.key_columns(list(columns))
        self._drop_foreign_key_indexes_served_by(self.primary_key)

    def add_unique_key(self, name: str, columns: tuple[str, ...]) -> None:
        columns = self.key_columns(list(columns))
        self.unique_keys.append(_Key(self._index_name(name, columns), columns))
        self._drop_foreign_key_indexes_served_by(columns)

    def add_index(self, name: str, columns: tuple[str, ...], kind: IndexKind = IndexKind.PLAIN) -> None:
        columns = self.key_columns(list(columns))
        self._drop_foreign_key_indexes_served_by(columns)
        self.indexes.append(_Key(self._index_name(name, columns), columns, kind))

    def _index_name(self, name: str, columns: tuple[str, ...], *, given: bool = True) -> str:
        """An unnamed index is named after its first column, then ``_2``, ``_3`` ... (as MySQL does)."""
        taken = {k.name.lower() for k in (*self.unique_keys, *self.indexes)}
        if name and name.lower() not in taken:
            return name
        if name and given:
            raise DdlError(f"{self.name} has an index named {name} already")
        candidate, number = columns[0], 2
        while candidate.lower() in taken or candidate.upper() == "PRIMARY":
            candidate, number = f"{columns[0]}_{number}", number + 1
        return candidate

    def _drop_foreign_key_indexes_served_by(self, columns: tuple[str, ...]) -> None:
        self.indexes = [k for k in self.indexes if not (k.for_foreign_key and columns[: len(k.columns)] == k.columns)]

    def add_foreign_key(self, symbol: str, index_name: str, key: ForeignKey) -> None:
        key = dataclasses.replace(key, columns=self.key_columns(list(key.columns)))
        name = symbol or f"{self.name}_ibfk_{sum(n.startswith(f'{self.name}_ibfk_') for n in self.foreign_keys) + 1}"
        if name in self.foreign_keys:
            raise DdlError(f"{self.name} has a foreign key named {name} already")
        self.foreign_keys[name] = dataclasses.replace(key, name=name)
        self.foreign_key_index_names[name] = symbol or index_name

    def index_foreign_keys(self) -> None:
        """InnoDB needs an index whose first columns are a foreign key's, and adds one if none has them."""
        for name, key in self.foreign_keys.items():
            served = (self.primary_key, *(k.columns for k in (*self.unique_keys, *self.indexes)))
            if not any(columns[: len(key.columns)] == key.columns for columns in served):
                index_name = self.foreign_key_index_names.get(name, "")
                index_name = self._index_name(index_name, key.columns, given=False)
                self.indexes.append(_Key(index_name, key.columns, for_foreign_key=True))

    def drop_foreign_key(self, name: str) -> None:
        """The constraint goes; the index it needed stays, as an ordinary one (as in MySQL)."""
        dropped = self.foreign_keys.pop(self._named(self.foreign_keys, name), None)
        if dropped is None:
            raise DdlError(f"{self.name} has no foreign key {name}")
        for key in self.indexes:
            if key.for_foreign_key and key.columns == dropped.columns:
                key.for_foreign_key = False

    def drop_index(self, name: str) -> None:
        if name.upper() == "PRIMARY":
            self.drop_primary_key()
            return
        for keys in (self.unique_keys, self.indexes):
            if any(k.name.lower() == name.lower() for k in keys):
                keys[:] = [k for k in keys if k.name.lower() != name.lower()]
                return
        raise DdlError(f"{self.name} has no index {name}")

    def drop_constraint(self, name: str) -> bool:
        """``DROP CONSTRAINT x``: a foreign key or a unique key of that name; False for a CHECK (not modelled)."""
        if self._named(self.foreign_keys, name) in self.foreign_keys:
            self.drop_foreign_key(name)
            return True
        if any(k.name.lower() == name.lower() for k in self.unique_keys):
            self.drop_index(name)
            return True
        return False

    def drop_primary_key(self) -> None:
        if not self.primary_key:
            raise DdlError(f"{self.name} has no primary key to drop")
        self.primary_key = ()

    def rename_index(self, old: str, new: str) -> None:
        for key in (*self.unique_keys, *self.indexes):
            if key.name.lower() == old.lower():
                key.name = new
                return
        raise DdlError(f"{self.name} has no index {old}")

    @staticmethod
    def _named(keys: dict[str, ForeignKey], name: str) -> str:
        return next((n for n in keys if n.lower() == name.lower()), name)

    def freeze(self) -> Table:
        primary = set(self.primary_key)  # a primary key column is NOT NULL even when the DDL does not say so
        columns = tuple(dataclasses.replace(c, nullable=False) if c.name in primary else c for c in self.columns)
        return Table(
            self.name,
            columns,
            self.primary_key,
            tuple(k.columns for k in self.unique_keys),
            is_view=self.is_view,
            foreign_keys=tuple(self.foreign_keys.values()),
            indexes=tuple(Index(k.name, k.columns, k.kind) for k in self.indexes),
        )


@dataclass(slots=True)
class SchemaDraft:
    """Every table and view the statements so far have left, in the order they were created."""

    tables: dict[str, TableDraft] = field(default_factory=dict)

    def find(self, name: str) -> TableDraft | None:
        """A table by name; the exact spelling first, then ignoring case."""
        found = self.tables.get(name)
        return found or next((t for n, t in self.tables.items() if n.lower() == name.lower()), None)

    def table(self, name: str) -> TableDraft:
        found = self.find(name)
        if found is None:
            raise DdlError(f"table {name} is not created earlier in the DDL")
        return found

    def put(self, draft: TableDraft, *, replace: bool = False) -> None:
        """A new table or view; one of that name already there stays unless ``replace`` (OR REPLACE, ALTER VIEW)."""
        if draft.name in self.tables and not replace:
            raise DdlError(f"{draft.name} exists already, and MySQL refuses to create it again (the first one is kept)")
        self.tables.pop(draft.name, None)
        self.tables[draft.name] = draft

    def drop(self, name: str) -> None:
        old = self.find(name)
        if old is not None:
            del self.tables[old.name]

    def rename(self, old: str, new: str) -> None:
        """RENAME TABLE: foreign keys that referred to the old name follow it (InnoDB does the same)."""
        draft = self.table(old)
        if new in self.tables:
            raise DdlError(f"cannot rename {old} to {new}: {new} exists")
        for other in self.tables.values():
            for key, fk in other.foreign_keys.items():
                if fk.referenced_table == draft.name:
                    other.foreign_keys[key] = dataclasses.replace(fk, referenced_table=new)
        del self.tables[draft.name]
        draft.name = new
        self.tables[new] = draft

    def freeze(self, name: str) -> SourceSchema:
        return SourceSchema.of(name, (t.freeze() for t in self.tables.values()))
