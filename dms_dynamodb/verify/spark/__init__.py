"""``verify --export --engine spark``: the same comparison as the local verify, as a Spark job (local[*] or a cluster)."""
