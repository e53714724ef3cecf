"""The design ``init`` drafts from a schema's keys: each rule, with the expected keys written from the DDL by hand."""

from __future__ import annotations

import pytest

from mappings.design import METADATA
from mappings.design.draft import DesignDraft, DraftError, Placement, draft_design
from mappings.errors import Severity
from mappings.schema import SourceSchema
from mappings.validation.schema_checks import check_against_schema
from tests.conftest import SAKILA_DDL, SAKILA_SCHEMA, SHOP_DDL


def _draft(ddl: str, name: str = "db", tables: list[str] | None = None) -> DesignDraft:
    return draft_design(SourceSchema.from_ddl(ddl, name=name), table_name="t-table", tables=tables)


def _keys(draft: DesignDraft, table: str) -> tuple[str, str | None, dict[str, str]]:
    (entity,) = [e.entity for e in draft.entities if e.entity.table == table]
    return entity.partition_key, entity.sort_key, dict(entity.index_keys)


def _placement(draft: DesignDraft, table: str) -> Placement:
    (placement,) = [e.placement for e in draft.entities if e.entity.table == table]
    return placement


def _errors(draft: DesignDraft, ddl: str, name: str = "db") -> list[str]:
    schema = SourceSchema.from_ddl(ddl, name=name)
    design = draft.design
    issues = check_against_schema(design.table_mappings(name), schema, design=design)
    return [str(i) for i in issues if i.severity is Severity.ERROR]


@pytest.fixture(scope="module")
def sakila() -> DesignDraft:
    return _draft(SAKILA_DDL.read_text(), SAKILA_SCHEMA)


def test_sakila_link_tables_are_adjacency_lists_under_film_inverted_in_gsi1(sakila: DesignDraft) -> None:
    # film_actor's primary key is (actor_id, film_id), both foreign keys; the name names film first.
    assert _placement(sakila, "film_actor") is Placement.ADJACENCY
    assert _keys(sakila, "film_actor") == (
        "FILM#${film_id}",
        "ACTOR#${actor_id}",
        {"gsi1pk": "ACTOR#${actor_id}", "gsi1sk": "FILM#${film_id}"},
    )
    assert _placement(sakila, "film_category") is Placement.ADJACENCY
    assert _keys(sakila, "film_category") == (
        "FILM#${film_id}",
        "CATEGORY#${category_id}",
        {"gsi1pk": "CATEGORY#${category_id}", "gsi1sk": "FILM#${film_id}"},
    )


def test_sakila_children_live_in_the_collection_their_first_not_null_foreign_key_names(sakila: DesignDraft) -> None:
    # The DDL declares NOT NULL foreign keys only on city (-> country), address (-> city), film (-> language)
    # and the two link tables. address heads nothing: it lives in city's collection.
    assert _placement(sakila, "address") is Placement.CHILD
    # city_id is not in address's key, so a fetch by address_id needs GSI1 on it (else a Scan).
    assert _keys(sakila, "address") == (
        "CITY#${city_id}",
        "ADDRESS#${address_id}",
        {"gsi1pk": "ADDRESS#${address_id}", "gsi1sk": METADATA},
    )
    # city heads address's collection and film heads the link tables': each keeps its own partition (the
    # article's "querying for a film returns the film's metadata and its actors"), its foreign key a GSI.
    assert _placement(sakila, "city") is Placement.HEAD
    assert _keys(sakila, "city") == (
        "CITY#${city_id}",
        METADATA,
        {"gsi1pk": "COUNTRY#${country_id}", "gsi1sk": "CITY#${city_id}"},
    )
    assert _placement(sakila, "film") is Placement.HEAD
    assert _keys(sakila, "film") == (
        "FILM#${film_id}",
        METADATA,
        {"gsi1pk": "LANGUAGE#${language_id}", "gsi1sk": "FILM#${film_id}"},
    )


def test_sakila_tables_without_a_declared_foreign_key_are_their_own_partition(sakila: DesignDraft) -> None:
    # rental, payment, inventory, customer, staff and store declare no foreign key in this DDL (the article puts
    # rental under CUSTOMER by a key the DDL does not declare); film_text has a primary key and no foreign key.
    for table, key in [
        ("rental", "RENTAL#${rental_id}"),
        ("payment", "PAYMENT#${payment_id}"),
        ("inventory", "INVENTORY#${inventory_id}"),
        ("customer", "CUSTOMER#${customer_id}"),
        ("film_text", "FILM_TEXT#${film_id}"),
        ("actor", "ACTOR#${actor_id}"),
    ]:
        assert _keys(sakila, table) == (key, METADATA, {}), table
        assert _placement(sakila, table) is Placement.OWN, table


def test_sakila_every_table_is_an_entity_none_excluded_one_gsi_and_no_errors(sakila: DesignDraft) -> None:
    tables = [e.entity.table for e in sakila.entities]
    assert len(tables) == 16 and tables[:3] == ["actor", "country", "city"]  # the DDL's order
    assert sakila.excluded == () and sakila.views == ()  # every table has a primary key; no view
    assert [i.name for i in sakila.indexes] == ["GSI1"]
    assert _errors(sakila, SAKILA_DDL.read_text(), SAKILA_SCHEMA) == []


def test_sakila_access_patterns_name_what_each_choice_serves(sakila: DesignDraft) -> None:
    patterns = {p.name: p for p in sakila.access_patterns}
    film = patterns["film with its film_actor, film_category items"]
    assert (film.partition_key, film.index) == ("FILM#<film_id>", None)
    actors = patterns["film_actor by actor"]
    assert (actors.index, actors.partition_key, actors.sort_key_condition) == (
        "GSI1",
        "ACTOR#<actor_id>",
        "begins_with(gsi1sk, 'FILM#')",
    )
    (film_actor,) = [e for e in sakila.entities if e.entity.table == "film_actor"]
    assert film_actor.serves == ("film with its film_actor, film_category items", "film_actor by actor")
    assert "adjacency list" in film_actor.notes[0] and "'film_actor' names film first" in film_actor.notes[0]
    (address,) = [e for e in sakila.entities if e.entity.table == "address"]
    assert any("city_id is not part of address's primary key" in n for n in address.notes)


def test_shop_composite_key_child_goes_under_its_order_with_its_product_in_gsi1() -> None:
    draft = _draft(SHOP_DDL.read_text(), "shop")
    # order_line: primary key (order_id, line_no); first NOT NULL foreign key order_id -> orders.
    assert _keys(draft, "order_line") == (
        "ORDERS#${order_id}",
        "ORDER_LINE#${line_no}",
        {"gsi1pk": "PRODUCT#${product_id}", "gsi1sk": "ORDER_LINE#${order_id}#${line_no}"},
    )
    assert _keys(draft, "orders") == (
        "ORDERS#${order_id}",
        METADATA,
        # orders by customer sorted by placed_at (DATETIME, NOT NULL); updated_at changes on update, so not it.
        {"gsi1pk": "CUSTOMER#${customer_id}", "gsi1sk": "ORDERS#${placed_at}#${order_id}"},
    )
    assert _keys(draft, "audit_log") == ("AUDIT_LOG#${audit_id}", METADATA, {})
    assert _errors(draft, SHOP_DDL.read_text(), "shop") == []


AIRLINE = """
CREATE TABLE airport (code CHAR(3) NOT NULL, PRIMARY KEY (code));
CREATE TABLE flight (
  flight_id INT NOT NULL, origin CHAR(3) NOT NULL, destination CHAR(3) NOT NULL, alternate CHAR(3) NULL,
  PRIMARY KEY (flight_id),
  FOREIGN KEY (origin) REFERENCES airport (code),
  FOREIGN KEY (destination) REFERENCES airport (code),
  FOREIGN KEY (alternate) REFERENCES airport (code));
CREATE TABLE seat (flight_id INT NOT NULL, seat_no VARCHAR(4) NOT NULL, PRIMARY KEY (flight_id, seat_no),
  FOREIGN KEY (flight_id) REFERENCES flight (flight_id));
CREATE TABLE crew (crew_id INT NOT NULL, boss_id INT NOT NULL, PRIMARY KEY (crew_id),
  FOREIGN KEY (boss_id) REFERENCES crew (crew_id));
CREATE TABLE assignment (flight_id INT NOT NULL, crew_id INT NOT NULL, PRIMARY KEY (flight_id, crew_id),
  FOREIGN KEY (crew_id) REFERENCES crew (crew_id),
  FOREIGN KEY (flight_id) REFERENCES flight (flight_id));
CREATE TABLE event_log (at DATETIME NOT NULL, message TEXT);
CREATE VIEW departures AS SELECT flight_id, origin FROM flight;
"""


def test_keyless_tables_are_excluded_with_the_reason_and_views_are_not_migrated() -> None:
    draft = _draft(AIRLINE)
    assert [(e.table, e.reason.split(":")[0]) for e in draft.excluded] == [("event_log", "no primary key")]
    assert "CDC needs one" in draft.excluded[0].reason
    assert draft.views == ("departures",)
    assert "event_log" not in [e.entity.table for e in draft.entities]
    assert _errors(draft, AIRLINE) == []


def test_further_foreign_keys_are_gsis_in_declared_order_and_nullable_ones_are_not_keys() -> None:
    draft = _draft(AIRLINE)
    # flight heads seat's collection (seat's only foreign key), so it keeps its own partition and its two
    # NOT NULL foreign keys to airport are GSI1 and GSI2, in declared order; seat's sort key is the rest of its key.
    assert _keys(draft, "seat") == ("FLIGHT#${flight_id}", "SEAT#${seat_no}", {})
    assert _keys(draft, "flight") == (
        "FLIGHT#${flight_id}",
        METADATA,
        {
            "gsi1pk": "AIRPORT#${origin}",
            "gsi1sk": "FLIGHT#${flight_id}",
            "gsi2pk": "AIRPORT#${destination}",
            "gsi2sk": "FLIGHT#${flight_id}",
        },
    )
    assert [i.name for i in draft.indexes] == ["GSI1", "GSI2"]
    (flight,) = [e for e in draft.entities if e.entity.table == "flight"]
    assert any("alternate -> airport: nullable" in n for n in flight.notes)
    assert flight.serves == (
        "flight with its seat items",
        "flight by airport (origin)",
        "flight by airport (destination)",
    )
    # assignment's name names neither parent: the first declared foreign key (crew_id -> crew) owns it.
    assert _keys(draft, "assignment") == (
        "CREW#${crew_id}",
        "FLIGHT#${flight_id}",
        {"gsi1pk": "FLIGHT#${flight_id}", "gsi1sk": "CREW#${crew_id}"},
    )
    # A foreign key to its own table is never a collection, only a GSI.
    assert _keys(draft, "crew") == (
        "CREW#${crew_id}",
        METADATA,
        {"gsi1pk": "CREW#${boss_id}", "gsi1sk": "CREW#${crew_id}"},
    )


def test_more_relations_than_dynamodb_has_gsis_are_left_unindexed_and_said_so() -> None:
    parents = "\n".join(f"CREATE TABLE p{n} (id INT NOT NULL, PRIMARY KEY (id));" for n in range(22))
    columns = ", ".join(f"p{n}_id INT NOT NULL" for n in range(22))
    keys = ", ".join(f"FOREIGN KEY (p{n}_id) REFERENCES p{n} (id)" for n in range(22))
    draft = _draft(f"{parents}\nCREATE TABLE hub (hub_id INT NOT NULL, {columns}, PRIMARY KEY (hub_id), {keys});")
    # p0 names the collection; p1..p20 take GSI1..GSI20; p21 has no GSI left.
    assert _keys(draft, "hub")[0] == "P0#${p0_id}"
    assert len(draft.indexes) == 20
    (hub,) = [e for e in draft.entities if e.entity.table == "hub"]
    assert hub.entity.index_keys["gsi20pk"] == "P20#${p20_id}"
    assert any(n.startswith("foreign key p21_id -> p21: not indexed") for n in hub.notes)


def test_a_link_whose_sort_key_label_is_taken_in_the_partition_uses_its_own() -> None:
    # tag is a child of post with sort key TAG#...; post_tag's other parent is also named tag: its sort key
    # would be TAG#<tag_id> in the same POST# partition, so it takes its own label.
    ddl = """
    CREATE TABLE post (post_id INT NOT NULL, PRIMARY KEY (post_id));
    CREATE TABLE tag (tag_id INT NOT NULL, post_id INT NOT NULL, PRIMARY KEY (tag_id),
      FOREIGN KEY (post_id) REFERENCES post (post_id));
    CREATE TABLE post_tag (post_id INT NOT NULL, tag_id INT NOT NULL, PRIMARY KEY (post_id, tag_id),
      FOREIGN KEY (post_id) REFERENCES post (post_id), FOREIGN KEY (tag_id) REFERENCES tag (tag_id));
    """
    draft = _draft(ddl)
    assert _keys(draft, "tag")[:2] == ("POST#${post_id}", "TAG#${tag_id}")
    assert _keys(draft, "post_tag")[:2] == ("POST#${post_id}", "POST_TAG#${tag_id}")
    assert _errors(draft, ddl) == []


def test_tables_narrow_the_draft_and_bad_names_say_what_exists() -> None:
    draft = _draft(AIRLINE, tables=["flight", "airport"])
    assert [e.entity.table for e in draft.entities] == ["flight", "airport"]
    assert draft.not_selected == ("seat", "crew", "assignment", "event_log")
    with pytest.raises(DraftError, match=r"no table 'flights'; its tables: airport, flight, seat, crew"):
        _draft(AIRLINE, tables=["flights"])
    with pytest.raises(DraftError, match="'departures' is a view"):
        _draft(AIRLINE, tables=["departures"])


def test_a_child_whose_parent_is_not_migrated_still_gets_its_collection_pattern() -> None:
    draft = _draft(SHOP_DDL.read_text(), "shop", tables=["order_line"])
    assert _keys(draft, "order_line")[:2] == ("ORDERS#${order_id}", "ORDER_LINE#${line_no}")
    names = [p.name for p in draft.access_patterns]
    assert names == ["order_line items of one orders", "order_line by product"]


CHAIN = """
CREATE TABLE country (country_id INT NOT NULL, PRIMARY KEY (country_id));
CREATE TABLE city (city_id INT NOT NULL, country_id INT NOT NULL, PRIMARY KEY (city_id),
  FOREIGN KEY (country_id) REFERENCES country (country_id));
CREATE TABLE address (address_id INT NOT NULL, city_id INT NOT NULL, PRIMARY KEY (address_id),
  FOREIGN KEY (city_id) REFERENCES city (city_id));
CREATE TABLE customer (customer_id INT NOT NULL, address_id INT NOT NULL, PRIMARY KEY (customer_id),
  FOREIGN KEY (address_id) REFERENCES address (address_id));
CREATE TABLE payment (payment_id INT NOT NULL, customer_id INT NOT NULL, PRIMARY KEY (payment_id),
  FOREIGN KEY (customer_id) REFERENCES customer (customer_id));
"""


def test_collections_are_decided_children_first_down_a_chain_of_parents() -> None:
    draft = _draft(CHAIN)
    # payment holds nothing: under customer. customer holds payment: its own partition, address a GSI. Then
    # address holds nothing placed: under city. city holds address: its own, country a GSI. country: its own.
    # address and payment sit under a parent key they do not hold in their own: GSI1 fetches them by key. In
    # GSI1, ADDRESS# is address's own (declared first), so customer-by-address gets a prefix of its own.
    assert _keys(draft, "payment") == (
        "CUSTOMER#${customer_id}",
        "PAYMENT#${payment_id}",
        {"gsi1pk": "PAYMENT#${payment_id}", "gsi1sk": METADATA},
    )
    assert _keys(draft, "customer") == (
        "CUSTOMER#${customer_id}",
        METADATA,
        {"gsi1pk": "CUSTOMER_BY_ADDRESS#${address_id}", "gsi1sk": "CUSTOMER#${customer_id}"},
    )
    assert _keys(draft, "address") == (
        "CITY#${city_id}",
        "ADDRESS#${address_id}",
        {"gsi1pk": "ADDRESS#${address_id}", "gsi1sk": METADATA},
    )
    assert _keys(draft, "city") == (
        "CITY#${city_id}",
        METADATA,
        {"gsi1pk": "COUNTRY#${country_id}", "gsi1sk": "CITY#${city_id}"},
    )
    assert _keys(draft, "country") == ("COUNTRY#${country_id}", METADATA, {})
    assert [_placement(draft, t) for t in ("country", "city", "address", "customer", "payment")] == [
        Placement.OWN,
        Placement.HEAD,
        Placement.CHILD,
        Placement.HEAD,
        Placement.CHILD,
    ]
    assert _errors(draft, CHAIN) == []


def test_two_tables_that_name_each_other_as_parent_do_not_loop() -> None:
    ddl = """
    CREATE TABLE a (a_id INT NOT NULL, b_id INT NOT NULL, PRIMARY KEY (a_id), FOREIGN KEY (b_id) REFERENCES b (b_id));
    CREATE TABLE b (b_id INT NOT NULL, a_id INT NOT NULL, PRIMARY KEY (b_id), FOREIGN KEY (a_id) REFERENCES a (a_id));
    """
    draft = _draft(ddl)
    # a is decided first: b (which names a) holds nothing, so b lives in a's collection and a keeps its own.
    # b is fetched by key in GSI1, where B# is already a's "a by b": b's own prefix there is B_ITEM#.
    assert _keys(draft, "b") == ("A#${a_id}", "B#${b_id}", {"gsi1pk": "B_ITEM#${b_id}", "gsi1sk": METADATA})
    assert _keys(draft, "a") == ("A#${a_id}", METADATA, {"gsi1pk": "B#${b_id}", "gsi1sk": "A#${a_id}"})
    assert _errors(draft, ddl) == []


TIMES = """
CREATE TABLE customer (customer_id INT NOT NULL, PRIMARY KEY (customer_id));
CREATE TABLE rental (rental_id INT NOT NULL, customer_id INT NOT NULL, rental_date DATETIME NOT NULL,
  last_update TIMESTAMP NOT NULL, PRIMARY KEY (rental_id), FOREIGN KEY (customer_id) REFERENCES customer (customer_id));
CREATE TABLE reading (station INT NOT NULL, log_date DATE NOT NULL, log_time TIME NOT NULL, temp DECIMAL(4,1),
  PRIMARY KEY (log_date, log_time, station));
"""


def test_a_child_collection_sorts_by_its_date_and_is_fetched_by_key_through_a_gsi() -> None:
    draft = _draft(TIMES)
    # rental_date (DATETIME, NOT NULL) sorts customer's rentals; last_update changes on update, so not it. The sort
    # key then holds more than rental_id, so GSI1 fetches a rental by its key.
    assert _keys(draft, "rental") == (
        "CUSTOMER#${customer_id}",
        "RENTAL#${rental_date}#${rental_id}",
        {"gsi1pk": "RENTAL#${rental_id}", "gsi1sk": METADATA},
    )
    patterns = {p.name: p for p in draft.access_patterns}
    dated = patterns["rental of one customer by rental_date"]
    assert (dated.index, dated.partition_key, dated.sort_key_condition) == (
        None,
        "CUSTOMER#<customer_id>",
        "begins_with(sk, 'RENTAL#')",
    )
    by_key = patterns["rental by rental_id"]
    assert (by_key.index, by_key.partition_key) == ("GSI1", "RENTAL#<rental_id>")
    assert _errors(draft, TIMES) == []


def test_a_key_of_a_parent_plus_a_time_is_one_collection_per_parent_sorted_by_time() -> None:
    draft = _draft(TIMES)
    assert _placement(draft, "reading") is Placement.SERIES
    assert _keys(draft, "reading") == ("READING#${station}", "READING#${log_date}#${log_time}", {})
    (pattern,) = [p for p in draft.access_patterns if p.name.startswith("reading")]
    assert (pattern.name, pattern.partition_key) == (
        "reading of one station by log_date, log_time",
        "READING#<station>",
    )


AIRLINES = """
CREATE TABLE airline (carrier CHAR(2) NOT NULL, PRIMARY KEY (carrier));
CREATE TABLE airport (code CHAR(3) NOT NULL, PRIMARY KEY (code));
CREATE TABLE flight (flight_id INT NOT NULL, carrier CHAR(2) NOT NULL, origin CHAR(3) NOT NULL,
  PRIMARY KEY (carrier, flight_id), FOREIGN KEY (carrier) REFERENCES airline (carrier),
  FOREIGN KEY (origin) REFERENCES airport (code));
CREATE TABLE schedule (schedule_id INT NOT NULL, carrier CHAR(2) NOT NULL, destination CHAR(3) NOT NULL,
  PRIMARY KEY (carrier, schedule_id), FOREIGN KEY (carrier) REFERENCES airline (carrier),
  FOREIGN KEY (destination) REFERENCES airport (code));
"""


def test_two_entities_by_one_parent_in_one_gsi_get_their_own_prefixes_and_names_say_the_direction() -> None:
    draft = _draft(AIRLINES)
    # both live in their airline's collection; each one's airport is its GSI1. flight (declared first) keeps
    # AIRPORT#; schedule's airport is another relation (its destination), so its prefix is its own.
    assert _keys(draft, "flight") == (
        "AIRLINE#${carrier}",
        "FLIGHT#${flight_id}",
        {"gsi1pk": "AIRPORT#${origin}", "gsi1sk": "FLIGHT#${carrier}#${flight_id}"},
    )
    assert _keys(draft, "schedule")[2] == {
        "gsi1pk": "SCHEDULE_BY_AIRPORT#${destination}",
        "gsi1sk": "SCHEDULE#${carrier}#${schedule_id}",
    }
    names = {p.name: p.partition_key for p in draft.access_patterns if p.index == "GSI1"}
    assert names == {
        "flight by airport (origin)": "AIRPORT#<origin>",
        "schedule by airport (destination)": "SCHEDULE_BY_AIRPORT#<destination>",
    }
    assert _errors(draft, AIRLINES) == []


def test_a_dated_child_of_an_unmigrated_parent_gets_one_pattern_per_query() -> None:
    # customer is not migrated: rental's collection is still read by customer's key, sorted by rental_date. That is
    # one query (begins_with(sk, 'RENTAL#') in CUSTOMER#<customer_id>), so one pattern, named for its order.
    draft = _draft(TIMES, tables=["rental"])
    mine = [p for p in draft.access_patterns if p.index is None and p.partition_key == "CUSTOMER#<customer_id>"]
    assert [(p.name, p.sort_key_condition) for p in mine] == [
        ("rental of one customer by rental_date", "begins_with(sk, 'RENTAL#')")
    ]
    assert _errors(draft, TIMES) == []
