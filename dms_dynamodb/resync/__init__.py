"""``dms-dynamodb resync``: make the target agree with the source again for the keys verify or the
follower's apply exceptions named (what to repair, the plan of actions, applying it, the command)."""
