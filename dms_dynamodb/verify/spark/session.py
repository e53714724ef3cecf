"""The Spark session of ``verify --engine spark``: the JDBC driver's jar, Arrow on, this package on the executors.

Locally the MariaDB Connector/J jar is Debian's ``libmariadb-java`` (``MARIADB_JAR``); on a cluster
pass yours with ``--jdbc-jar`` (or ``spark-submit --jars``). On a master that is not ``local[...]``
the ``dms_dynamodb`` and ``mappings`` packages are shipped to the executors as one zip
(``addPyFile``), so the item model they run is this one.
"""

from __future__ import annotations

import os
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

MARIADB_JAR = "/usr/share/java/mariadb-java-client.jar"


def spark_session(master: str, jar: str | None = None, shuffle_partitions: int | None = None) -> Any:
    """One session for this process (``getOrCreate``: a second call reuses it).

    Under ``spark-submit`` or AWS Glue the session exists before this code runs, with the submitter's
    master, jars (``--jars``, Glue's ``--extra-jars``) and Python files (``--py-files``,
    ``--extra-py-files``): it is used as it is.
    """
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    jar = jar or MARIADB_JAR
    if not Path(jar).is_file():
        raise FileNotFoundError(
            f"no JDBC driver jar at {jar}: install Debian's libmariadb-java (make bootstrap does) or pass --jdbc-jar"
        )
    builder = (
        SparkSession.builder.master(master)
        .appName("dms-dynamodb verify")
        .config("spark.jars", jar)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions or 8))
        .config("spark.sql.session.timeZone", "UTC")
    )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    if not master.startswith("local"):
        session.sparkContext.addPyFile(_package_zip())
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
