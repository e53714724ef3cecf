"""`dms-dynamodb report`: the target table as item collections, a static HTML page and its Markdown twin.

`model` builds the data from what was read, `html` and `markdown` render it, `command` reads the servers
(the entry point, also called at the end of `rehearse --report-html DIR`).
"""
