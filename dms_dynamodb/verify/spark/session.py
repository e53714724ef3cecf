"""The Spark session of ``verify --engine spark``: the JDBC driver's jar, Arrow on, this package on the executors.

Two ways to get one. The command line (:func:`spark_session`) builds its own when none is active: master
``--spark-master`` (default ``local[*]``), the MariaDB Connector/J jar ``--jdbc-jar`` (default Debian's
``libmariadb-java``, ``MARIADB_JAR``). The job under ``spark-submit`` or AWS Glue (:func:`submitted_session`)
takes the submitter's: its master, its jars (``--jars``, Glue's ``--extra-jars``) and Python files, never
overridden. On a master that is not ``local[...]`` the ``dms_dynamodb`` and ``mappings`` packages are shipped
to the executors as one zip (``addPyFile``), so the item model they run is the driver's.
"""

from __future__ import annotations

import os
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

MARIADB_JAR = "/usr/share/java/mariadb-java-client.jar"
DEFAULT_MASTER = "local[*]"
DRIVER_CLASS = "org.mariadb.jdbc.Driver"
#: What the engine needs of any session, its own or the submitter's (SQL settings: they apply to a running one).
SQL_SETTINGS = {"spark.sql.execution.arrow.pyspark.enabled": "true", "spark.sql.session.timeZone": "UTC"}
_shipped: list[str] = []


class SessionMismatch(ValueError):
    """A ``--spark-master`` or ``--jdbc-jar`` the active session does not have (closed world: said, not ignored)."""


def spark_session(master: str | None = None, jar: str | None = None, shuffle_partitions: int | None = None) -> Any:
    """The command's session: the active one if there is one (a notebook, a test, the job's), else one built.

    ``master``/``jar`` are what the user asked for (``None``: not asked). With a session already active they
    are checked against it, never silently ignored: :class:`SessionMismatch` names both. With none, the
    session is built with ``master`` (default ``local[*]``) and ``jar`` (default Debian's, which must exist).
    """
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        _check_matches(active, master, jar)
        return _prepared(active)

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    jar = jar or MARIADB_JAR
    if not Path(jar).is_file():
        raise FileNotFoundError(
            f"no JDBC driver jar at {jar}: install Debian's libmariadb-java (make bootstrap does) or pass --jdbc-jar"
        )
    builder = (
        SparkSession.builder.master(master or DEFAULT_MASTER)
        .appName("dms-dynamodb verify")
        .config("spark.jars", jar)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions or 8))
    )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return _prepared(session)


def submitted_session() -> Any:
    """The session of ``spark-submit`` / AWS Glue: ``getOrCreate`` with no master and no jars of ours.

    The submitter's configuration (``--master``, ``--jars``; on Glue its own conf and ``--extra-jars``, which
    Glue adds to the Java classpath before the script runs) is what a session built with nothing set gets;
    Glue's scripts do the same (``GlueContext(SparkContext.getOrCreate())``). The JDBC driver must then be on
    that classpath: :class:`FileNotFoundError` naming how to put it there when it is not.
    """
    from pyspark.sql import SparkSession

    session = SparkSession.builder.appName("dms-dynamodb verify").getOrCreate()
    jvm: Any = session.sparkContext._jvm
    try:
        loader = jvm.java.lang.Thread.currentThread().getContextClassLoader()
        jvm.java.lang.Class.forName(DRIVER_CLASS, True, loader)
    except Exception:  # py4j's error for ClassNotFoundException
        raise FileNotFoundError(
            f"the JDBC driver {DRIVER_CLASS} is not on the Spark session's classpath (master "
            f"{session.sparkContext.master}): give its jar with spark-submit --jars, Glue's --extra-jars, or the "
            "job's --jdbc-jar PATH"
        ) from None
    return _prepared(session)


def _check_matches(session: Any, master: str | None, jar: str | None) -> None:
    running = session.sparkContext.master
    if master is not None and master != running:
        raise SessionMismatch(
            f"--spark-master {master}: a Spark session is already running on {running} in this process; "
            f"drop --spark-master (it is used as it is) or run without that session"
        )
    if jar is not None:
        jars = session.sparkContext.getConf().get("spark.jars", "") or ""
        found = {_local_path(entry) for entry in jars.split(",") if entry.strip()}
        if str(Path(jar).resolve()) not in found:
            raise SessionMismatch(
                f"--jdbc-jar {jar}: the Spark session already running in this process has "
                f"{', '.join(sorted(found)) or 'no spark.jars'}; drop --jdbc-jar or run without that session"
            )


def _local_path(entry: str) -> str:
    """A ``spark.jars`` entry (``/p``, ``file:/p``, ``file:///p``) as a resolved local path."""
    entry = entry.strip()
    if entry.startswith("file:"):
        entry = "/" + entry[len("file:") :].lstrip("/")
    return str(Path(entry).resolve())


def _prepared(session: Any) -> Any:
    for name, value in SQL_SETTINGS.items():
        session.conf.set(name, value)
    master = str(session.sparkContext.master)
    if not master.startswith("local") and master not in _shipped:
        session.sparkContext.addPyFile(_package_zip())
        _shipped.append(master)
    return session


def _package_zip() -> str:
    """``dms_dynamodb`` and ``mappings`` as one zip for the executors' Python path."""
    import dms_dynamodb
    import mappings

    path = Path(tempfile.mkdtemp(prefix="dms-dynamodb-spark-")) / "dms_dynamodb_pkg.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for package in (dms_dynamodb, mappings):
            root = Path(str(package.__file__)).parent
            for file in root.rglob("*.py"):
                archive.write(file, str(file.relative_to(root.parent)))
    return str(path)
