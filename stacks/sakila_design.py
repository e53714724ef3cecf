"""The article's single-table design for Sakila, declared once (pure Python, no jsii).

Films own their actors and categories, customers own their rentals; GSI1 answers "films of an
actor" and "films in a category", GSI2 "rentals of an inventory item".
"""

from __future__ import annotations

from mappings.design import AccessPattern, Entity, GlobalSecondaryIndex, KeyAttribute, TableDesign

TARGET_TABLE = "migration-target-table"

SAKILA_DESIGN = TableDesign(
    table_name=TARGET_TABLE,
    indexes=(
        GlobalSecondaryIndex(name="GSI1", partition_key=KeyAttribute("gsi1pk"), sort_key=KeyAttribute("gsi1sk")),
        GlobalSecondaryIndex(name="GSI2", partition_key=KeyAttribute("gsi2pk"), sort_key=KeyAttribute("gsi2sk")),
    ),
    entities=(
        Entity(table="language", partition_key="LANGUAGE#${language_id}"),
        Entity(table="actor", partition_key="ACTOR#${actor_id}"),
        Entity(table="film", partition_key="FILM#${film_id}"),
        Entity(table="category", partition_key="CATEGORY#${category_id}"),
        Entity(table="customer", partition_key="CUSTOMER#${customer_id}"),
        Entity(
            table="film_actor",
            partition_key="FILM#${film_id}",
            sort_key="ACTOR#${actor_id}",
            index_keys={"gsi1pk": "ACTOR#${actor_id}", "gsi1sk": "FILM#${film_id}"},
        ),
        Entity(
            table="film_category",
            partition_key="FILM#${film_id}",
            sort_key="CATEGORY#${category_id}",
            index_keys={"gsi1pk": "CATEGORY#${category_id}", "gsi1sk": "FILM#${film_id}"},
        ),
        Entity(
            table="rental",
            partition_key="CUSTOMER#${customer_id}",
            sort_key="RENTAL#${rental_id}",
            index_keys={"gsi2pk": "INVENTORY#${inventory_id}", "gsi2sk": "RENTAL#${rental_id}"},
        ),
    ),
    access_patterns=(
        AccessPattern(name="Film with its actors and categories", partition_key="FILM#<film_id>"),
        AccessPattern(name="Customer with their rentals", partition_key="CUSTOMER#<customer_id>"),
        AccessPattern(
            name="Films of an actor",
            index="GSI1",
            partition_key="ACTOR#<actor_id>",
            sort_key_condition="begins_with(gsi1sk, 'FILM#')",
        ),
        AccessPattern(
            name="Films in a category",
            index="GSI1",
            partition_key="CATEGORY#<category_id>",
            sort_key_condition="begins_with(gsi1sk, 'FILM#')",
        ),
        AccessPattern(
            name="Rentals of an inventory item",
            index="GSI2",
            partition_key="INVENTORY#<inventory_id>",
            sort_key_condition="begins_with(gsi2sk, 'RENTAL#')",
        ),
    ),
)
