"""The source side: everything that talks to MySQL (connections and URLs, the live schema reader, rows read
with the task's filters as SQL). Import the modules; nothing is re-exported."""
