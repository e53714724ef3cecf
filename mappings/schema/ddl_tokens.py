"""A cursor over one statement's tokens (sqlglot's MySQL tokenizer), for the DDL grammar readers.

sqlglot tokenizes MySQL faithfully (backticks, ``'it''s'``, ``_utf8'x'``, ``b'01'``), so the readers
match words and balanced parentheses, never characters; quoted names are never mistaken for keywords.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar


class DdlError(ValueError):
    """A statement (or part of one) the reader cannot apply to the schema; the message says why."""

    @property
    def reason(self) -> str:
        return str(self)


class DdlSyntaxError(DdlError):
    """Text that does not follow MySQL's grammar as the reader knows it; the message says what was expected."""

    @property
    def reason(self) -> str:
        return f"the DDL does not parse as MySQL: {self}"


class TokenKind(StrEnum):
    WORD = "word"  # a bare word: a keyword or an unquoted name
    NAME = "name"  # a backticked name
    STRING = "string"
    NUMBER = "number"
    SYMBOL = "symbol"  # punctuation and operators


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokenKind
    text: str  # as written, without quotes
    start: int  # character offsets in the statement (a multi-word keyword token shares them)
    end: int

    @property
    def word(self) -> str:
        """The upper-cased word, or "" for anything quoted (a quoted ``key`` is a name, never KEY)."""
        return self.text.upper() if self.kind is TokenKind.WORD else ""


@functools.cache
def _tokenizer() -> type[Any]:
    from sqlglot.dialects.mysql import MySQL

    class StatementTokenizer(MySQL.Tokenizer):
        """MySQL's tokenizer without commands: sqlglot turns what follows RENAME, EXECUTE or REPLACE
        into one string token, and the readers need the words."""

        COMMANDS: ClassVar[set[Any]] = set()

    return StatementTokenizer


def tokenize(text: str) -> list[Token]:
    """MySQL tokens of ``text``; raises ``DdlSyntaxError`` for text sqlglot cannot tokenize."""
    from sqlglot.errors import TokenError
    from sqlglot.tokenizer_core import TokenType

    try:
        raw = _tokenizer()().tokenize(text)
    except TokenError as exc:
        raise DdlSyntaxError(f"cannot split into tokens ({exc})") from None
    tokens: list[Token] = []
    for tok in raw:
        kind = _KINDS.get(tok.token_type.name)
        if kind is None:
            kind = TokenKind.WORD if _is_word(tok.text) else TokenKind.SYMBOL
        if tok.token_type is TokenType.INTRODUCER:  # _utf8'x': the charset introducer is part of the string
            continue
        parts = tok.text.split() if kind is TokenKind.WORD else [tok.text]
        tokens.extend(Token(kind, part, tok.start, tok.end + 1) for part in parts)
    return tokens


_KINDS = {
    "IDENTIFIER": TokenKind.NAME,
    "STRING": TokenKind.STRING,
    "NATIONAL_STRING": TokenKind.STRING,
    "BIT_STRING": TokenKind.STRING,
    "HEX_STRING": TokenKind.STRING,
    "BYTE_STRING": TokenKind.STRING,
    "NUMBER": TokenKind.NUMBER,
}


def _is_word(text: str) -> bool:
    return bool(text) and all(c.isalnum() or c in "_$ \t\r\n" for c in text)


class Cursor:
    """Tokens of one statement (or one parenthesised part of it) and a position in them."""

    def __init__(self, tokens: list[Token], text: str) -> None:
        self.tokens = tokens
        self.text = text
        self.pos = 0

    @classmethod
    def of(cls, text: str) -> Cursor:
        return cls(tokenize(text), text)

    def peek(self, offset: int = 0) -> Token | None:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def word(self, offset: int = 0) -> str:
        token = self.peek(offset)
        return token.word if token is not None else ""

    def at_end(self) -> bool:
        return self.pos >= len(self.tokens)

    def at(self, *words: str) -> bool:
        """Whether the next tokens are these bare words (upper case) or symbols (``"("``, ``"="``)."""
        for offset, expected in enumerate(words):
            token = self.peek(offset)
            if token is None:
                return False
            if expected[0].isalpha() or expected[0] == "_":
                if token.word != expected:
                    return False
            elif token.kind is not TokenKind.SYMBOL or token.text != expected:
                return False
        return True

    def accept(self, *words: str) -> bool:
        """Step over ``words`` if they come next."""
        if self.at(*words):
            self.pos += len(words)
            return True
        return False

    def expect(self, *words: str) -> None:
        if not self.accept(*words):
            raise DdlSyntaxError(f"expected {' '.join(words)}, found {self.describe()}")

    def accept_any(self, *words: str) -> str:
        """The next word if it is one of ``words`` (and step over it), else ""."""
        word = self.word()
        if word and word in words:
            self.pos += 1
            return word
        return ""

    def expect_any(self, *words: str) -> str:
        word = self.accept_any(*words)
        if not word:
            raise DdlSyntaxError(f"expected {' or '.join(words)}, found {self.describe()}")
        return word

    def next(self) -> Token:
        token = self.peek()
        if token is None:
            raise DdlSyntaxError("the statement ends too early")
        self.pos += 1
        return token

    def describe(self) -> str:
        token = self.peek()
        return "the end of the statement" if token is None else repr(token.text)

    def name(self) -> str:
        """One name, quoted or bare."""
        token = self.peek()
        if token is None or token.kind not in (TokenKind.WORD, TokenKind.NAME):
            raise DdlSyntaxError(f"expected a name, found {self.describe()}")
        self.pos += 1
        return token.text

    def table_name(self) -> str:
        """``t``, ``db.t`` or `` `db`.`t` ``: the table's own name (the reader models one database)."""
        name = self.name()
        while self.accept("."):
            name = self.name()
        return name

    def group(self) -> Cursor:
        """The tokens inside the parentheses that come next (and step past the closing one)."""
        if not self.at("("):
            raise DdlSyntaxError(f"expected (, found {self.describe()}")
        depth, start = 0, self.pos
        for index in range(self.pos, len(self.tokens)):
            text = self.tokens[index].text
            if self.tokens[index].kind is TokenKind.SYMBOL and text in ("(", ")"):
                depth += 1 if text == "(" else -1
                if depth == 0:
                    self.pos = index + 1
                    return Cursor(self.tokens[start + 1 : index], self.text)
        raise DdlSyntaxError("a ( is never closed")

    def skip_value(self) -> None:
        """One operand: a literal, a signed number, a name or call, or a parenthesised expression."""
        if self.at("("):
            self.group()
            return
        while self.accept("-") or self.accept("+"):
            pass
        self.next()
        while self.accept("."):
            self.next()
        if self.at("("):
            self.group()

    def split(self, separator: str = ",") -> Iterator[Cursor]:
        """The rest cut at top-level ``separator`` tokens (commas inside parentheses do not cut); a
        separator with nothing after it gives an empty part, for the reader to refuse as MySQL does."""
        depth, start = 0, self.pos
        for index in range(self.pos, len(self.tokens)):
            token = self.tokens[index]
            if token.kind is TokenKind.SYMBOL and token.text == "(":
                depth += 1
            elif token.kind is TokenKind.SYMBOL and token.text == ")":
                depth -= 1
            elif depth == 0 and token.kind is TokenKind.SYMBOL and token.text == separator:
                yield Cursor(self.tokens[start:index], self.text)
                start = index + 1
        if start < len(self.tokens) or start > self.pos:
            yield Cursor(self.tokens[start:], self.text)
        self.pos = len(self.tokens)

    def source(self) -> str:
        """The statement text these tokens cover, as written (for reports)."""
        if not self.tokens:
            return ""
        return self.text[self.tokens[0].start : self.tokens[-1].end]
