"""Local rehearsal of the migration: the stack's own mappings, applied to real source rows, written
to a DynamoDB-compatible endpoint, queried like the application will, and verified.

    python -m stacks.rehearsal run        # throwaway MariaDB + dynalite, Sakila data, load, queries, verify
    python -m stacks.rehearsal load  --mysql-url ... --endpoint-url ...
    python -m stacks.rehearsal verify --mysql-url ... --endpoint-url ...
"""
