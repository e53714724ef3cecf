"""A bounded random workload on the Sakila source, for the CDC rehearsal.

Inserts, updates and deletes spread over rental, customer, film and film_actor, each in its own
transaction. By default no update touches a column used in a base-table key template; with
``key_updates`` some do (rental.customer_id, film_actor.actor_id), and those are listed so a test
can expect exactly them as apply exceptions.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass
class Workload:
    operations: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    #: (table, primary key) of the rows whose base-table key columns changed.
    key_updates: list[tuple[str, tuple[int, ...]]] = field(default_factory=list)

    def count(self, kind: str) -> None:
        self.operations += 1
        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1


def _max(cursor: Any, table: str, column: str) -> int:
    cursor.execute(f"SELECT COALESCE(MAX({column}), 0) FROM {table}")
    return int(cursor.fetchone()[0])


def run_workload(connection: Any, operations: int, *, seed: int = 7, key_updates: int = 0) -> Workload:
    """Run ``operations`` changes (plus ``key_updates`` base-key updates, on distinct rows)."""
    rng = random.Random(seed)
    done = Workload()
    touched_keys: set[tuple[str, tuple[int, ...]]] = set()
    with connection.cursor() as cursor:
        films, customers = _max(cursor, "film", "film_id"), _max(cursor, "customer", "customer_id")
        inventory, actors = _max(cursor, "inventory", "inventory_id"), _max(cursor, "actor", "actor_id")
        rental_date = dt.datetime(2006, 3, 1)
        for step in range(operations):
            choice = rng.randrange(10)
            if choice == 0:
                rental_date += dt.timedelta(minutes=1)
                cursor.execute(
                    "INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id) VALUES (%s, %s, %s, 1)",
                    (rental_date, rng.randint(1, inventory), rng.randint(1, customers)),
                )
                done.count("insert rental")
            elif choice == 1:
                cursor.execute(
                    "UPDATE rental SET return_date = %s WHERE rental_id = %s", (rental_date, rng.randint(1, 16000))
                )
                done.count("update rental")
            elif choice == 2:  # a GSI key column: an ordinary update for DMS
                cursor.execute(
                    "UPDATE rental SET inventory_id = %s WHERE rental_id = %s",
                    (rng.randint(1, inventory), rng.randint(1, 16000)),
                )
                done.count("update rental (GSI key)")
            elif choice == 3:
                cursor.execute("DELETE FROM rental WHERE rental_id = %s", (rng.randint(1, 16000),))
                done.count("delete rental")
            elif choice == 4:
                cursor.execute(
                    "UPDATE customer SET email = %s, active = %s WHERE customer_id = %s",
                    (f"changed{step}@example.com", rng.randint(0, 1), rng.randint(1, customers)),
                )
                done.count("update customer")
            elif choice == 5:
                customers += 1
                cursor.execute(
                    "INSERT INTO customer (customer_id, store_id, first_name, last_name, email, address_id, "
                    "active, create_date) VALUES (%s, 1, 'NEW', 'CUSTOMER', NULL, 1, 1, %s)",
                    (customers, rental_date),
                )
                done.count("insert customer")
            elif choice == 6:
                cursor.execute(
                    "UPDATE film SET title = %s, rental_rate = %s WHERE film_id = %s",
                    (f"RETITLED {step}", Decimal(rng.choice(["0.99", "2.99", "4.99"])), rng.randint(1, films)),
                )
                done.count("update film")
            elif choice == 7:
                films += 1
                cursor.execute(
                    "INSERT INTO film (film_id, title, language_id, rental_duration, rental_rate, "
                    "replacement_cost) VALUES (%s, %s, 1, 3, 0.99, 9.99)",
                    (films, f"NEW FILM {films}"),
                )
                done.count("insert film")
            elif choice == 8:
                cursor.execute(
                    "INSERT IGNORE INTO film_actor (actor_id, film_id) VALUES (%s, %s)",
                    (rng.randint(1, actors), rng.randint(1, films)),
                )
                done.count("insert film_actor")
            else:
                cursor.execute(
                    "DELETE FROM film_actor WHERE actor_id = %s ORDER BY film_id LIMIT 1", (rng.randint(1, actors),)
                )
                done.count("delete film_actor")
            connection.commit()
        for _ in range(key_updates):
            while True:
                rental = rng.randint(1, 16000)
                if ("rental", (rental,)) not in touched_keys:
                    break
            cursor.execute("SELECT customer_id FROM rental WHERE rental_id = %s", (rental,))
            row = cursor.fetchone()
            if row is None:
                continue
            cursor.execute("UPDATE rental SET customer_id = %s WHERE rental_id = %s", (row[0] % customers + 1, rental))
            connection.commit()
            touched_keys.add(("rental", (rental,)))
            done.key_updates.append(("rental", (rental,)))
            done.count("update rental (base key)")
    return done
