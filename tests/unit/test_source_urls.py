"""``--mysql-url`` without a server: what it names, where an omitted password comes from, and that no message
ever shows the password, whatever it holds. Expected values written by hand from RFC 3986's user-info
(``user:password`` before the host) and the MySQL manual's "Using Option Files" and "Specifying Program
Options" (command line over option files over environment variables)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dms_dynamodb.cli import main
from dms_dynamodb.source.url import SourceUrlError, parse, read_option_file, redact, scrub, settings
from tests.conftest import stack_file

PASSWORD = "pa#ss?wo/rd@x:y"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("mysql://dms:s3cret@db:3306/shop", "mysql://dms:***@db:3306/shop"),
        (f"mysql://dms:{PASSWORD}@db:3306/shop", "mysql://dms:***@db:3306/shop"),
        (
            "mysql://dms:p#w@db/shop?unix_socket=/run/mysqld.sock",
            "mysql://dms:***@db/shop?unix_socket=/run/mysqld.sock",
        ),
        ("dms:p?w/x@db:3306/shop", "dms:***@db:3306/shop"),  # no scheme
        ("dms:pa://ss@db", "dms:***@db"),  # no scheme, though "://" is in the password
        ("mysql://dms@db/", "mysql://dms@db/"),  # no password: nothing to hide
        ("mysql://db:3306/", "mysql://db:3306/"),
        ("not a url", "not a url"),
    ],
)
def test_redact_hides_everything_after_the_user_up_to_the_last_at(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_the_user_info_ends_at_the_last_at_so_any_password_is_read_whole() -> None:
    parts = parse(f"mysql://dms:{PASSWORD}@[::1]:3307/shop%25x?unix_socket=/tmp/s.sock")
    assert (parts.user, parts.password, parts.host, parts.port) == ("dms", PASSWORD, "::1", 3307)
    assert (parts.database, parts.unix_socket, parts.defaults_file) == ("shop%x", "/tmp/s.sock", None)
    assert parse("mysql://d%40ms:p%23w@db/").password == "p#w" and parse("mysql://d%40ms:p%23w@db/").user == "d@ms"
    assert parse("mysql://dms:@db/").password == ""  # an empty password, given
    assert parse("mysql://dms@db/").password is None  # no password: it comes from elsewhere


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("dms:p#w?x/y@db/", "--mysql-url dms:***@db/ has no scheme; write mysql://"),
        ("postgres://dms:p#w@db/", "--mysql-url postgres://dms:***@db/ has a postgres:// URL"),
        ("mysql://dms:p#w@db:33o6/", "--mysql-url: the part after the host's ':' is not a port from 1 to 65535"),
        # No '@': what looks like a port is the password; it is never echoed.
        ("mysql://dms:s3cret-pw/", "--mysql-url: the part after the host's ':' is not a port from 1 to 65535"),
        ("mysql://dms:p#w@db/?ssl=1", "--mysql-url mysql://dms:***@db/?ssl=1: unknown parameter 'ssl'"),
        ("mysql://:p#w@db/", "--mysql-url mysql://:***@db/ names no user"),
        ("mysql://db:3306/", "--mysql-url mysql://db:3306/ names no user"),
    ],
)
def test_a_url_the_tools_cannot_use_is_named_redacted(url: str, message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MYSQL_PWD", raising=False)
    with pytest.raises(SourceUrlError) as raised:
        settings(url)
    assert str(raised.value).startswith(message)
    assert "p#w" not in str(raised.value)


def test_a_password_the_url_omits_comes_from_the_option_file_then_mysql_pwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MYSQL_PWD", "from-env")
    assert settings("mysql://dms@db/shop")[0]["password"] == "from-env"
    assert settings("mysql://dms:from-url@db/shop")[0]["password"] == "from-url"  # the command line wins
    options = tmp_path / "my.cnf"
    options.write_text('[mysql]\npassword=not-this-group\n[client]\nuser = filed\npassword = "from#file" # comment\n')
    found, database = settings(f"mysql://dms@db/shop?defaults_file={options}")
    assert (found["user"], found["password"], database) == ("dms", "from#file", "shop")  # file over MYSQL_PWD
    found, _ = settings(f"mysql://db/shop?defaults_file={options}")
    assert found["user"] == "filed"  # the URL may leave the user to the file too
    monkeypatch.delenv("MYSQL_PWD")
    assert settings("mysql://dms@db/shop")[0]["password"] == ""  # nowhere: empty, as the mysql client


def test_the_option_file_is_read_as_mysql_reads_it(tmp_path: Path) -> None:
    options = tmp_path / "my.cnf"
    options.write_text(
        "# a comment\n; another\n[client]\nuser=dms  # trailing comment\npassword='a b#c'\n"
        "host = db.example.com\nport=3307\nsocket=/run/my\\ssock\nno-auto-rehash\n[mysqld]\nuser=mysql\n"
    )
    assert read_option_file(options) == {
        "user": "dms",
        "password": "a b#c",
        "host": "db.example.com",
        "port": "3307",
        "socket": "/run/my sock",
    }
    found, _ = settings(f"mysql://@/?defaults_file={options}")
    assert found == {"user": "dms", "password": "a b#c", "host": "db.example.com", "port": 3307}
    options.write_text("[client]\n!include /etc/other.cnf\n")
    with pytest.raises(SourceUrlError, match="line 2: !include is not read by the tools"):
        read_option_file(options)


def test_scrub_removes_the_password_as_written_and_decoded() -> None:
    url = "mysql://dms:p%23w#x@db/"
    assert scrub("failed for p%23w#x and p#w#x", url) == "failed for *** and ***"
    assert scrub("nothing to hide", "mysql://dms@db/") == "nothing to hide"
    assert scrub("dms-dynamodb verify: failed", "mysql://dms:e@db/") == "dms-dynamodb verify: failed"


@pytest.mark.parametrize(
    "url",
    ["mysql://127.0.0.1:1/shop", "dms:se#cret@127.0.0.1:1/shop", "mysql://dms:se#cret@127.0.0.1:1/shop?x=1"],
)
def test_an_unusable_url_is_a_usage_error_before_anything_runs(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["verify", "--stack", str(stack_file("shop")), "--mysql-url", url])
    err = capsys.readouterr().err
    assert status == 2 and err.startswith("dms-dynamodb verify: --mysql-url ") and len(err.splitlines()) == 1
    assert "se#cret" not in err and "cret" not in err


@pytest.mark.parametrize("password", ["se#cret", "se?cret", "se/cret", "se@cret"])
def test_an_unreachable_source_never_shows_the_password(password: str, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"mysql://dms:{password}@127.0.0.1:1/shop"
    assert main(["verify", "--stack", str(stack_file("shop")), "--mysql-url", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dms-dynamodb verify: cannot connect to the source mysql://dms:***@127.0.0.1:1/shop: ")
    assert "cret" not in err and "Traceback" not in err


# ----------------------------------------------------------------------------- TLS (ssl_ca, ssl_mode)

CA_TEXT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


def test_a_ca_file_alone_verifies_the_server_and_its_name(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text(CA_TEXT)
    found, _ = settings(f"mysql://dms:p#w@db:3306/shop?ssl_ca={ca}")
    assert {k: found[k] for k in ("ssl_ca", "ssl_verify_cert", "ssl_verify_identity")} == {
        "ssl_ca": str(ca),
        "ssl_verify_cert": True,
        "ssl_verify_identity": True,
    }
    found, _ = settings(f"mysql://dms:p#w@db:3306/shop?ssl_ca={ca}&ssl_mode=verify_ca")
    assert (found["ssl_verify_cert"], found["ssl_verify_identity"]) == (True, False)
    found, _ = settings("mysql://dms:p#w@db:3306/shop?ssl_mode=REQUIRED")
    assert found["ssl"] == {"check_hostname": False, "verify_mode": False} and "ssl_ca" not in found
    assert not {"ssl", "ssl_ca"} & set(settings("mysql://dms:p#w@db:3306/shop")[0])  # no TLS asked: as before


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("ssl_mode=PREFERRED", "ssl_mode='PREFERRED' is not one of REQUIRED, VERIFY_CA, VERIFY_IDENTITY"),
        ("ssl_mode=VERIFY_IDENTITY", "ssl_mode=VERIFY_IDENTITY checks the server against a CA: add ssl_ca=PATH"),
        ("ssl_mode=VERIFY_CA", "ssl_mode=VERIFY_CA checks the server against a CA: add ssl_ca=PATH"),
        ("ssl_mode=REQUIRED&ssl_ca=/x.pem", "ssl_mode=REQUIRED does not check the server, so ssl_ca would be ignored"),
        ("ssl_ca=/no/such/ca.pem", "ssl_ca=/no/such/ca.pem: cannot read the CA file: No such file or directory"),
        ("ssl_cert=/c.pem", "unknown parameter 'ssl_cert'"),
    ],
)
def test_a_tls_option_the_tools_cannot_honour_is_named(query: str, message: str) -> None:
    with pytest.raises(SourceUrlError) as raised:
        settings(f"mysql://dms:p#w@db/shop?{query}")
    assert message in str(raised.value) and "p#w" not in str(raised.value)


def test_a_ca_file_without_a_certificate_is_named(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_text("not a certificate\n")
    with pytest.raises(SourceUrlError, match=r"ssl_ca=.*ca\.pem: holds no PEM certificate"):
        settings(f"mysql://dms@db/shop?ssl_ca={tmp_path / 'ca.pem'}")


def test_an_unreadable_ca_is_exit_2_naming_it_and_never_the_password(capsys: pytest.CaptureFixture[str]) -> None:
    url = "mysql://dms:se#cret@127.0.0.1:1/shop?ssl_ca=/no/such/ca.pem"
    assert main(["verify", "--stack", str(stack_file("shop")), "--mysql-url", url]) == 2
    err = capsys.readouterr().err
    assert "ssl_ca=/no/such/ca.pem: cannot read the CA file" in err and "cret" not in err
