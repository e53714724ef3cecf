"""The article's ten table-mapping rules for the Sakila database, written with the builder."""

from __future__ import annotations

from mappings import TableMappings, TableMappingsBuilder

TARGET_TABLE = "migration-target-table"


def sakila_table_mappings(schema: str = "yourdb", target_table: str = TARGET_TABLE) -> TableMappings:
    """Include every table but film_text; map eight tables into one DynamoDB table (pk/sk, GSI1, GSI2)."""
    return (
        TableMappingsBuilder(schema=schema)
        .include("%")
        .exclude("film_text")
        .next_rule_id(10)
        .to_dynamodb(target_table, partition_key="pk", sort_key="sk")
        .map_table("language", pk="LANGUAGE#${language_id}")
        .map_table("actor", pk="ACTOR#${actor_id}")
        .map_table("film", pk="FILM#${film_id}")
        .map_table("category", pk="CATEGORY#${category_id}")
        .map_table("customer", pk="CUSTOMER#${customer_id}")
        .map_table(
            "film_actor",
            pk="FILM#${film_id}",
            sk="ACTOR#${actor_id}",
            gsi1pk="ACTOR#${actor_id}",
            gsi1sk="FILM#${film_id}",
        )
        .map_table(
            "film_category",
            pk="FILM#${film_id}",
            sk="CATEGORY#${category_id}",
            gsi1pk="CATEGORY#${category_id}",
            gsi1sk="FILM#${film_id}",
        )
        .map_table(
            "rental",
            pk="CUSTOMER#${customer_id}",
            sk="RENTAL#${rental_id}",
            gsi2pk="INVENTORY#${inventory_id}",
            gsi2sk="RENTAL#${rental_id}",
        )
        .build()
    )
