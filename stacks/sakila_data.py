"""A Sakila-compatible dataset at the original's scale, generated deterministically (no copied data).

1,000 films, 200 actors, 5,400 film-actor rows, 1,000 film-category rows, 16 categories,
6 languages, 599 customers, 4,500 inventory rows and 16,000 rentals, plus the addresses, cities,
countries, stores and staff they refer to. Same seed, same rows, on every machine.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

SCALE = {
    "language": 6,
    "category": 16,
    "actor": 200,
    "film": 1000,
    "film_actor": 5400,
    "film_category": 1000,
    "customer": 599,
    "inventory": 4500,
    "rental": 16000,
    "country": 20,
    "city": 60,
    "store": 2,
    "staff": 2,
}

_FIRST = [
    "PENELOPE",
    "NICK",
    "ED",
    "JENNIFER",
    "JOHNNY",
    "BETTE",
    "GRACE",
    "MATTHEW",
    "JOE",
    "CHRISTIAN",
    "ZERO",
    "KARL",
    "UMA",
    "VIVIEN",
    "CUBA",
    "FRED",
    "HELEN",
    "DAN",
    "BOB",
    "LUCILLE",
    "KIRSTEN",
    "ELVIS",
    "SANDRA",
    "CAMERON",
    "KEVIN",
    "RIP",
    "JULIA",
    "WOODY",
    "ALEC",
    "SISSY",
    "TIM",
    "MILLA",
    "AUDREY",
    "JUDY",
    "BURT",
]
_LAST = [
    "GUINESS",
    "WAHLBERG",
    "CHASE",
    "DAVIS",
    "LOLLOBRIGIDA",
    "NICHOLSON",
    "MOSTEL",
    "JOHANSSON",
    "SWANK",
    "GABLE",
    "CAGE",
    "BERRY",
    "WOOD",
    "BERGEN",
    "OLIVIER",
    "COSTNER",
    "VOIGHT",
    "TORN",
    "FAWCETT",
    "TRACY",
    "PALTROW",
    "MARX",
    "KILMER",
    "STREEP",
    "BLOOM",
    "CRAWFORD",
    "MCQUEEN",
    "HOFFMAN",
    "WAYNE",
    "PECK",
    "SOBIESKI",
]
_WORDS = [
    "ACADEMY",
    "DINOSAUR",
    "ACE",
    "GOLDFINGER",
    "ADAPTATION",
    "HOLES",
    "AFFAIR",
    "PREJUDICE",
    "AFRICAN",
    "EGG",
    "AGENT",
    "TRUMAN",
    "AIRPLANE",
    "SIERRA",
    "AIRPORT",
    "POLLOCK",
    "ALABAMA",
    "DEVIL",
    "ALADDIN",
    "CALENDAR",
    "ALAMO",
    "VIDEOTAPE",
    "ALASKA",
    "PHANTOM",
    "ALI",
    "FOREVER",
    "ALICE",
    "FANTASIA",
    "ALIEN",
    "CENTER",
]
_CATEGORIES = [
    "Action",
    "Animation",
    "Children",
    "Classics",
    "Comedy",
    "Documentary",
    "Drama",
    "Family",
    "Foreign",
    "Games",
    "Horror",
    "Music",
    "New",
    "Sci-Fi",
    "Sports",
    "Travel",
]
_LANGUAGES = ["English", "Italian", "Japanese", "Mandarin", "French", "German"]
_RATINGS = ["G", "PG", "PG-13", "R", "NC-17"]
_FEATURES = ["Trailers", "Commentaries", "Deleted Scenes", "Behind the Scenes"]
_STAMP = dt.datetime(2006, 2, 15, 4, 34, 33)


@dataclass(frozen=True)
class TableRows:
    table: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    #: SQL for a column's placeholder when it is not a plain value (e.g. a geometry).
    expressions: tuple[tuple[str, str], ...] = ()


def generate(seed: int = 20060215) -> list[TableRows]:
    """Every table's rows, in an order that satisfies the foreign keys."""
    rng = random.Random(seed)
    n = SCALE
    tables = [
        TableRows(
            "language",
            ("language_id", "name", "last_update"),
            [(i + 1, name, _STAMP) for i, name in enumerate(_LANGUAGES)],
        ),
        TableRows(
            "category",
            ("category_id", "name", "last_update"),
            [(i + 1, name, _STAMP) for i, name in enumerate(_CATEGORIES)],
        ),
        TableRows(
            "actor",
            ("actor_id", "first_name", "last_name", "last_update"),
            [(i, rng.choice(_FIRST), rng.choice(_LAST), _STAMP) for i in range(1, n["actor"] + 1)],
        ),
        TableRows(
            "country",
            ("country_id", "country", "last_update"),
            [(i, f"Country {i}", _STAMP) for i in range(1, n["country"] + 1)],
        ),
        TableRows(
            "city",
            ("city_id", "city", "country_id", "last_update"),
            [(i, f"City {i}", rng.randint(1, n["country"]), _STAMP) for i in range(1, n["city"] + 1)],
        ),
    ]
    addresses = n["customer"] + n["staff"] + n["store"]
    tables.append(
        TableRows(
            "address",
            (
                "address_id",
                "address",
                "address2",
                "district",
                "city_id",
                "postal_code",
                "phone",
                "location",
                "last_update",
            ),
            [
                (
                    i,
                    f"{rng.randint(1, 1999)} {rng.choice(_WORDS).title()} Street",
                    None,
                    f"District {i % 40}",
                    rng.randint(1, n["city"]),
                    f"{rng.randint(10000, 99999)}",
                    f"{rng.randint(10**9, 10**10 - 1)}",
                    f"POINT({rng.uniform(-180, 180):.6f} {rng.uniform(-90, 90):.6f})",
                    _STAMP,
                )
                for i in range(1, addresses + 1)
            ],
            expressions=(("location", "ST_GeomFromText(%s)"),),
        )
    )
    tables.append(
        TableRows(
            "store",
            ("store_id", "manager_staff_id", "address_id", "last_update"),
            [(i, i, n["customer"] + n["staff"] + i, _STAMP) for i in range(1, n["store"] + 1)],
        )
    )
    tables.append(
        TableRows(
            "staff",
            (
                "staff_id",
                "first_name",
                "last_name",
                "address_id",
                "email",
                "store_id",
                "active",
                "username",
                "last_update",
            ),
            [
                (
                    i,
                    rng.choice(_FIRST).title(),
                    rng.choice(_LAST).title(),
                    n["customer"] + i,
                    f"staff{i}@example.com",
                    i,
                    1,
                    f"staff{i}",
                    _STAMP,
                )
                for i in range(1, n["staff"] + 1)
            ],
        )
    )
    films = []
    for i in range(1, n["film"] + 1):
        features = ",".join(f for f in _FEATURES if rng.random() < 0.45) or None
        films.append(
            (
                i,
                f"{rng.choice(_WORDS)} {rng.choice(_WORDS)} {i}",
                f"A {rng.choice(_WORDS).title()} story of a {rng.choice(_WORDS).lower()}",
                2006,
                1,
                None,
                rng.randint(3, 7),
                Decimal(rng.choice(["0.99", "2.99", "4.99"])),
                rng.randint(46, 185),
                Decimal(f"{rng.randint(9, 29)}.99"),
                rng.choice(_RATINGS),
                features,
                _STAMP,
            )
        )
    tables.append(
        TableRows(
            "film",
            (
                "film_id",
                "title",
                "description",
                "release_year",
                "language_id",
                "original_language_id",
                "rental_duration",
                "rental_rate",
                "length",
                "replacement_cost",
                "rating",
                "special_features",
                "last_update",
            ),
            films,
        )
    )
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < n["film_actor"]:
        pairs.add((rng.randint(1, n["actor"]), rng.randint(1, n["film"])))
    tables.append(
        TableRows("film_actor", ("actor_id", "film_id", "last_update"), [(a, f, _STAMP) for a, f in sorted(pairs)])
    )
    tables.append(
        TableRows(
            "film_category",
            ("film_id", "category_id", "last_update"),
            [(f, rng.randint(1, len(_CATEGORIES)), _STAMP) for f in range(1, n["film_category"] + 1)],
        )
    )
    tables.append(
        TableRows(
            "customer",
            (
                "customer_id",
                "store_id",
                "first_name",
                "last_name",
                "email",
                "address_id",
                "active",
                "create_date",
                "last_update",
            ),
            [
                (
                    i,
                    rng.randint(1, n["store"]),
                    first := rng.choice(_FIRST),
                    last := rng.choice(_LAST),
                    f"{first}.{last}@sakilacustomer.org",
                    i,
                    1 if rng.random() < 0.97 else 0,
                    dt.datetime(2006, 2, 14, 22, 4, 36),
                    _STAMP,
                )
                for i in range(1, n["customer"] + 1)
            ],
        )
    )
    tables.append(
        TableRows(
            "inventory",
            ("inventory_id", "film_id", "store_id", "last_update"),
            [(i, rng.randint(1, n["film"]), rng.randint(1, n["store"]), _STAMP) for i in range(1, n["inventory"] + 1)],
        )
    )
    start = dt.datetime(2005, 5, 24, 22, 53, 30)
    rentals = []
    for i in range(1, n["rental"] + 1):
        rented = start + dt.timedelta(minutes=17 * i, seconds=rng.randint(0, 59))
        returned = (
            None if rng.random() < 0.01 else rented + dt.timedelta(days=rng.randint(1, 9), hours=rng.randint(0, 23))
        )
        rentals.append(
            (
                i,
                rented,
                rng.randint(1, n["inventory"]),
                rng.randint(1, n["customer"]),
                returned,
                rng.randint(1, n["staff"]),
                _STAMP,
            )
        )
    tables.append(
        TableRows(
            "rental",
            ("rental_id", "rental_date", "inventory_id", "customer_id", "return_date", "staff_id", "last_update"),
            rentals,
        )
    )
    return tables


def chunks(rows: Sequence[tuple[Any, ...]], size: int = 1000) -> Iterator[Sequence[tuple[Any, ...]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def load(connection: Any, tables: Sequence[TableRows]) -> dict[str, int]:
    """Insert the rows (in one transaction per table); return the row count per table."""
    counts = {}
    with connection.cursor() as cursor:
        cursor.execute("SET FOREIGN_KEY_CHECKS = 0")
        for table in tables:
            expressions = dict(table.expressions)
            values = ", ".join(expressions.get(c, "%s") for c in table.columns)
            statement = f"INSERT INTO `{table.table}` ({', '.join(table.columns)}) VALUES ({values})"
            for chunk in chunks(table.rows):
                cursor.executemany(statement, chunk)
            connection.commit()
            counts[table.table] = len(table.rows)
        cursor.execute("SET FOREIGN_KEY_CHECKS = 1")
    return counts


def to_sql(tables: Sequence[TableRows]) -> Iterator[str]:
    """The rows as SQL ``INSERT`` statements (what ``mysqldump`` writes), for ``dms-dynamodb rehearse --data``."""
    from pymysql.converters import escape_item

    yield "SET FOREIGN_KEY_CHECKS = 0;\n"
    for table in tables:
        expressions = dict(table.expressions)
        for chunk in chunks(table.rows, 500):
            rows = []
            for row in chunk:
                values = [
                    expressions.get(column, "%s").replace("%s", escape_item(value, "utf8mb4"))
                    for column, value in zip(table.columns, row, strict=True)
                ]
                rows.append("(" + ", ".join(values) + ")")
            yield f"INSERT INTO `{table.table}` ({', '.join(table.columns)}) VALUES\n" + ",\n".join(rows) + ";\n"
    yield "SET FOREIGN_KEY_CHECKS = 1;\n"


def main(argv: Sequence[str]) -> int:
    """``python -m stacks.sakila_data OUT.sql``: write the generated Sakila rows as SQL."""
    if len(argv) != 1:
        print("usage: python -m stacks.sakila_data OUT.sql", file=sys.stderr)
        return 2
    with open(argv[0], "w") as out:
        out.writelines(to_sql(generate()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
