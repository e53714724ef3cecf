"""DynamoDB full exports: written from a table (``dms-dynamodb export``), started on AWS, and read back for verify."""
