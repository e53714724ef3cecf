"""Split a DDL file into statements the way the ``mysql`` client and the server see them.

sqlglot parses one statement well but not a whole file as MySQL reads it: ``DELIMITER`` is a client
command, ``/*!50705 ... */`` is code the server runs (even in the middle of a column list), ``#`` and
``-- `` are comments. One pass of a small lexer handles all of these, so the parser sees plain SQL and
every statement keeps the line it starts on for the report.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

#: How much of a statement a report quotes.
EXCERPT_CHARS = 80


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement: its text with comments blanked and executable comments opened, and where it starts."""

    text: str
    line: int  # 1-based line of its first character in the file

    @property
    def excerpt(self) -> str:
        """The first characters of the statement on one line, for a report."""
        flat = " ".join(self.text.split())
        return flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 3] + "..."


def split_statements(text: str) -> list[Statement]:
    """The statements of ``text`` in order (a ``DELIMITER`` line changes the terminator, as in ``mysql``).

    ``/*!NNNNN code */`` and ``/*!code */`` are opened (MySQL 8 runs them all); ``/*M!NNNNN ... */`` is
    MariaDB's own and MySQL treats it as a comment, so it is one here too.
    """
    return _Lexer(text).run()


class _Lexer:
    """A single left-to-right pass; quoted text is copied verbatim, comments become one space."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.delimiter = ";"
        self.parts: list[str] = []
        self.start: int | None = None  # where the current statement's first character is
        self.open_executable = 0  # how many ``/*!`` comments the lexer is inside
        self.statements: list[Statement] = []
        self._newlines = [i for i, c in enumerate(text) if c == "\n"]

    def run(self) -> list[Statement]:
        text = self.text
        while self.pos < len(text):
            if self.start is None and self._at_line_start() and self._delimiter_command():
                continue
            if self.open_executable and text.startswith("*/", self.pos):
                self.open_executable -= 1
                self._blank(2)
            elif text.startswith("/*", self.pos):
                self._block_comment()
            elif text[self.pos] == "#" or self._dash_comment():
                end = text.find("\n", self.pos)
                self._blank((len(text) if end < 0 else end) - self.pos)
            elif text[self.pos] in "'\"`":
                self._quoted(text[self.pos])
            elif text.startswith(self.delimiter, self.pos):
                self._flush()
                self.pos += len(self.delimiter)
            else:
                self._keep(1)
        self._flush()
        return self.statements

    def _at_line_start(self) -> bool:
        line_start = self.text.rfind("\n", 0, self.pos) + 1
        return self.text[line_start : self.pos].strip() == ""

    def _delimiter_command(self) -> bool:
        """``DELIMITER xx`` (the ``mysql`` client's command) on a line of its own: the new terminator."""
        word = self.text[self.pos : self.pos + 10]
        if word[:9].upper() != "DELIMITER" or len(word) < 10 or not word[9].isspace():
            return False
        end = self.text.find("\n", self.pos)
        end = len(self.text) if end < 0 else end
        rest = self.text[self.pos + 9 : end].split()
        if not rest:
            return False
        self.delimiter = rest[0]
        self.pos = end
        return True

    def _dash_comment(self) -> bool:
        """``--`` starts a comment only when a space or control character follows it (MySQL's rule)."""
        text, pos = self.text, self.pos
        return text.startswith("--", pos) and (pos + 2 == len(text) or text[pos + 2] <= " ")

    def _block_comment(self) -> None:
        text, pos = self.text, self.pos
        if text.startswith("/*!", pos):  # executable: keep what it holds, drop the version number
            digits = pos + 3
            while digits < len(text) and digits < pos + 9 and text[digits].isdigit():
                digits += 1
            self.open_executable += 1
            self._blank(digits - pos)
            return
        end = text.find("*/", pos + 2)
        self._blank((len(text) if end < 0 else end + 2) - pos)

    def _quoted(self, quote: str) -> None:
        """A string or a backticked name, up to its closing quote (doubled quotes and ``\\`` escapes inside)."""
        text, end = self.text, self.pos + 1
        while end < len(text):
            if text[end] == "\\" and quote != "`":
                end += 2
            elif text[end] == quote:
                if text.startswith(quote * 2, end):
                    end += 2
                else:
                    end += 1
                    break
            else:
                end += 1
        self._keep(min(end, len(text)) - self.pos)

    def _keep(self, count: int) -> None:
        chunk = self.text[self.pos : self.pos + count]
        if self.start is None and not chunk.isspace():
            self.start = self.pos
        if self.start is not None:
            self.parts.append(chunk)
        self.pos += count

    def _blank(self, count: int) -> None:
        if self.start is not None:
            self.parts.append(" ")
        self.pos += count

    def _flush(self) -> None:
        if self.start is not None:
            line = bisect.bisect_left(self._newlines, self.start) + 1
            self.statements.append(Statement("".join(self.parts).strip(), line))
        self.parts, self.start = [], None
