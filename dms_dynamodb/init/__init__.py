"""``dms-dynamodb init``: a schema to a first stack. One job per module: naming (``names``), Python source in
the formatter's shape (``pysource``), the two modules written (``render``), the registry and Makefile edits
(``register``) and the command (``command``). The design reasoning itself is pure: ``mappings.design.draft``."""
