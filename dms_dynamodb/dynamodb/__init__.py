"""The target side: everything that talks to DynamoDB (clients, tables from designs, the batch writer,
parallel scans). Import the modules; nothing is re-exported."""
