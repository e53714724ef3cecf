"""``--mysql-url``: what it names (user, password, host, port, database, socket), where a password it omits
comes from, and how every message shows it (never with the password).

The user-info is everything between ``://`` and the *last* ``@``, so a password may hold an unencoded
``#``, ``?``, ``/``, ``:`` or ``@`` (a generic URL parser cuts it at the first ``#``, ``?`` or ``/``,
takes the rest for the host and port, and its error then quotes part of the password).

A password the URL omits (``mysql://user@host/``) comes, like the mysql client's, from an option file
(``?defaults_file=PATH``, or ``--mysql-defaults-file PATH``: its ``[client]`` group's ``user``,
``password``, ``host``, ``port``, ``socket``), else from the ``MYSQL_PWD`` environment variable, else
it is empty. Precedence as MySQL documents it ("Specifying Program Options"): the command line (the
URL) over option files over environment variables. Neither way puts the password on a command line,
where ``ps`` shows it to every user of the machine.

TLS (``?ssl_ca=PATH``, ``?ssl_mode=MODE``), in the MySQL client's terms ("--ssl-mode"): ``REQUIRED``
encrypts without checking the server; ``VERIFY_CA`` also checks its certificate against the CA file;
``VERIFY_IDENTITY`` also checks that the certificate names the host of the URL. A CA file alone means
``VERIFY_IDENTITY`` (the strictest: a CA given is a CA to be checked, and by the name connected to); a
``VERIFY_*`` mode without a CA file is refused (PyMySQL would fall back to the system's CAs and skip the
name check). Without either the connection is as before (PyMySQL's default; the installed PyMySQL tries TLS
when the server offers it, unverified; MariaDB Connector/J, the Spark engine's reader, asks for no TLS by default,
so that read is plain text). With a mode, a server without TLS is refused: no fallback to plain
text.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

#: The query parameters a URL may carry.
PARAMETERS = ("unix_socket", "defaults_file", "ssl_ca", "ssl_mode")
#: ``ssl_mode`` values, as the MySQL client names them; a CA file without a mode means the last one.
SSL_MODES = ("REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
SCRUBBED_LENGTH = 4
FORM = (
    "mysql://user[:password]@host[:port]/[database][?unix_socket=PATH][&defaults_file=PATH]"
    f"[&ssl_ca=PATH][&ssl_mode={'|'.join(SSL_MODES)}]"
)


class SourceUrlError(ValueError):
    """A ``--mysql-url`` the tools cannot use (a usage error); its message shows the URL redacted."""


@dataclass(frozen=True)
class SourceUrl:
    """What a ``mysql://`` URL says, decoded (``None``: the URL does not say)."""

    user: str | None
    password: str | None
    host: str | None
    port: int | None
    database: str
    unix_socket: str | None
    defaults_file: str | None
    ssl_ca: str | None = None
    #: One of :data:`SSL_MODES`, or ``None``: no TLS asked for (a CA file alone reads as ``VERIFY_IDENTITY``).
    ssl_mode: str | None = None


def _split(url: str) -> tuple[str, str | None, str]:
    """(scheme, user-info or None, what follows the user-info); the scheme is ``""`` when there is none."""
    match = _SCHEME.match(url)
    scheme, rest = (match.group(1), url[match.end() :]) if match else ("", url)
    at = rest.rfind("@")
    if at < 0:
        return scheme, None, rest
    return scheme, rest[:at], rest[at + 1 :]


def redact(url: str) -> str:
    """``url`` as every message shows it: whatever follows the user name in the user-info is ``***``.

    Works on any input, a URL without a scheme or one no parser accepts included.
    """
    scheme, userinfo, rest = _split(url)
    if userinfo is None:
        return url
    user, colon, password = userinfo.partition(":")
    # An explicitly empty password (user:@) says nothing secret, and *** would suggest there is one.
    shown = f"{user}:***" if colon and password else f"{user}{colon}"
    return f"{scheme}://{shown}@{rest}" if scheme else f"{shown}@{rest}"


def scrub(text: str, url: str | None) -> str:
    """``text`` with the URL's password (as written and decoded) replaced by ``***``: the last guard on a message.

    Messages show URLs through :func:`redact`; this catches a password some other text might quote. A
    password of under 4 characters is left alone (replacing every ``e`` would garble the message, and
    no library quotes one).
    """
    if not url:
        return text
    _, userinfo, _ = _split(url)
    if userinfo is None or ":" not in userinfo:
        return text
    written = userinfo.partition(":")[2]
    for secret in sorted({written, unquote(written)}, key=len, reverse=True):
        if len(secret) >= SCRUBBED_LENGTH:
            text = text.replace(secret, "***")
    return text


def parse(url: str) -> SourceUrl:
    """The parts of a ``mysql://`` URL; :class:`SourceUrlError` (naming the URL redacted) when it is not one."""
    scheme, userinfo, rest = _split(url)
    shown = redact(url)
    if scheme.lower() != "mysql":
        found = f"a {scheme}:// URL" if scheme else "no scheme"
        raise SourceUrlError(f"--mysql-url {shown} has {found}; write {FORM}")
    user = password = None
    if userinfo is not None:
        name, colon, secret = userinfo.partition(":")
        user = unquote(name) or None
        password = unquote(secret) if colon else None
    location, _, query = rest.partition("?")
    hostport, slash, path = location.partition("/")
    host, port = _host_port(hostport, shown)
    parameters: dict[str, str] = {}
    for part in filter(None, query.split("&")):
        key, equals, value = part.partition("=")
        if key not in PARAMETERS or not equals:
            raise SourceUrlError(
                f"--mysql-url {shown}: unknown parameter {key!r} (known: {', '.join(PARAMETERS)}, as name=value)"
            )
        parameters[key] = unquote(value)
    ssl_ca, ssl_mode = parameters.get("ssl_ca"), parameters.get("ssl_mode")
    if ssl_mode is not None:
        if ssl_mode.upper() not in SSL_MODES:
            raise SourceUrlError(f"--mysql-url {shown}: ssl_mode={ssl_mode!r} is not one of {', '.join(SSL_MODES)}")
        ssl_mode = ssl_mode.upper()
    elif ssl_ca:
        ssl_mode = "VERIFY_IDENTITY"
    if ssl_mode in ("VERIFY_CA", "VERIFY_IDENTITY") and not ssl_ca:
        raise SourceUrlError(
            f"--mysql-url {shown}: ssl_mode={ssl_mode} checks the server against a CA: add ssl_ca=PATH"
        )
    if ssl_mode == "REQUIRED" and ssl_ca:
        raise SourceUrlError(
            f"--mysql-url {shown}: ssl_mode=REQUIRED does not check the server, so ssl_ca would be ignored: "
            "use ssl_mode=VERIFY_CA or VERIFY_IDENTITY (the default with ssl_ca), or drop ssl_ca"
        )
    if ssl_mode and parameters.get("unix_socket"):
        raise SourceUrlError(f"--mysql-url {shown}: TLS (ssl_ca, ssl_mode) is for TCP; a unix_socket is local")
    return SourceUrl(
        user=user,
        password=password,
        host=host,
        port=port,
        database=unquote(path) if slash else "",
        unix_socket=parameters.get("unix_socket"),
        defaults_file=parameters.get("defaults_file"),
        ssl_ca=ssl_ca or None,
        ssl_mode=ssl_mode,
    )


def _host_port(text: str, shown: str) -> tuple[str | None, int | None]:
    if text.startswith("["):  # an IPv6 address: [::1]:3306
        host, bracket, after = text[1:].partition("]")
        if not bracket or (after and not after.startswith(":")):
            raise SourceUrlError(f"--mysql-url {shown}: the host {text!r} is not [IPv6 address][:port]")
        port_text = after[1:]
    else:
        host, _, port_text = text.partition(":")
    port = None
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            # Not echoed: in 'mysql://user:secret' (no '@') what looks like a port is the password.
            raise SourceUrlError(
                "--mysql-url: the part after the host's ':' is not a port from 1 to 65535 (not shown: it may be a "
                "password; a URL with a user is mysql://user:password@host:port/)"
            )
        port = int(port_text)
    return unquote(host) or None, port


def with_defaults_file(url: str, path: str) -> str:
    """``url`` naming an option file (``--mysql-defaults-file``): workers and followers read it themselves."""
    separator = "&" if "?" in _split(url)[2] else "?"
    return f"{url}{separator}defaults_file={quote(path, safe='/')}"


def settings(url: str) -> tuple[dict[str, object], str]:
    """PyMySQL connection settings and the database name; :class:`SourceUrlError` when no user is named.

    With a socket the host and port are left out, so clients that prefer TCP when given a host
    (mysql-replication) use the socket too.
    """
    parts = parse(url)
    options = read_option_file(Path(parts.defaults_file)) if parts.defaults_file else {}
    user = parts.user or options.get("user")
    if not user:
        raise SourceUrlError(
            f"--mysql-url {redact(url)} names no user: write mysql://USER@host/ (the password may stay out of the "
            "URL: MYSQL_PWD or --mysql-defaults-file); the tools never fall back to root"
        )
    password = parts.password
    if password is None:
        password = options.get("password", os.environ.get("MYSQL_PWD", ""))
    found: dict[str, object] = {"user": user, "password": password}
    host = parts.host or options.get("host")
    # As the mysql client: an option file's socket serves the local server (no host, or "localhost").
    socket = parts.unix_socket or (options.get("socket") if host in (None, "localhost") else None)
    if socket:
        found["unix_socket"] = socket
    else:
        port = parts.port or options.get("port") or 3306
        try:
            found.update(host=host or "localhost", port=int(port))
        except ValueError:
            raise SourceUrlError(f"{parts.defaults_file}: port {port!r} is not a number") from None
    found.update(tls_settings(parts))
    return found, parts.database


def tls_settings(parts: SourceUrl) -> dict[str, object]:
    """PyMySQL's TLS arguments for the URL's ``ssl_mode`` (none without one); the CA file must be a readable PEM.

    ``REQUIRED`` is PyMySQL's ``ssl`` dict with verification off (a non-empty ``ssl`` makes TLS mandatory);
    the ``VERIFY_*`` modes are its ``ssl_ca`` / ``ssl_verify_cert`` / ``ssl_verify_identity`` arguments.
    """
    if parts.ssl_mode is None:
        return {}
    if parts.ssl_mode == "REQUIRED":
        return {"ssl": {"check_hostname": False, "verify_mode": False}}
    assert parts.ssl_ca is not None  # parse() refuses VERIFY_* without one
    read_ca(parts.ssl_ca)
    return {
        "ssl_ca": parts.ssl_ca,
        "ssl_verify_cert": True,
        "ssl_verify_identity": parts.ssl_mode == "VERIFY_IDENTITY",
    }


def read_ca(path: str) -> str:
    """The PEM text of a CA file (one or more certificates: a bundle such as RDS's); :class:`SourceUrlError` naming
    the file when it cannot be read or holds no certificate."""
    try:
        text = Path(path).read_text(encoding="ascii")
    except OSError as exc:
        raise SourceUrlError(f"--mysql-url ssl_ca={path}: cannot read the CA file: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise SourceUrlError(f"--mysql-url ssl_ca={path}: not a PEM file (PEM is ASCII; convert a DER file)") from None
    if "-----BEGIN CERTIFICATE-----" not in text:
        raise SourceUrlError(f"--mysql-url ssl_ca={path}: holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
    return text


# --------------------------------------------------------------------------------- option files

_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "r": "\r", "s": " ", "\\": "\\"}


def read_option_file(path: Path) -> dict[str, str]:
    """The ``[client]`` group of a MySQL option file (MySQL manual, "Using Option Files": ``#`` or ``;``
    starts a comment line, ``#`` outside quotes ends a value, quotes around a value are removed, and
    ``\\b \\t \\n \\r \\s \\\\`` are escapes). Option names are read with ``-`` and ``_`` alike."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise SourceUrlError(f"cannot read the option file {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise SourceUrlError(f"the option file {path} is not UTF-8 (byte {exc.start})") from None
    found: dict[str, str] = {}
    group = ""
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("!"):
            raise SourceUrlError(
                f"{path} line {number}: {line.split()[0]} is not read by the tools; inline the options"
            )
        if line.startswith("["):
            group = line[1 : line.find("]")].strip().lower() if "]" in line else ""
            continue
        if group != "client":
            continue
        name, equals, value = _without_comment(line).partition("=")
        name = name.strip().lower().replace("-", "_")
        if name in ("user", "password", "host", "port", "socket") and equals:
            found[name] = _value(value.strip())
    return found


def _without_comment(line: str) -> str:
    """The line up to a ``#`` outside quotes (MySQL's ``remove_end_comment``)."""
    quote_char, escaped = "", False
    for index, char in enumerate(line):
        if char in "'\"" and not escaped:
            quote_char = "" if quote_char == char else quote_char or char
        if not quote_char and char == "#":
            return line[:index]
        escaped = bool(quote_char) and char == "\\" and not escaped
    return line


def _value(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    out, index = [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in _ESCAPES:
            out.append(_ESCAPES[text[index + 1]])
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)
