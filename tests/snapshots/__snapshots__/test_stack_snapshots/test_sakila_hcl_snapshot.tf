terraform {
  required_providers {
    aws = {
      version = "6.25.0"
      source  = "hashicorp/aws"
    }
    time = {
      version = "0.13.1"
      source  = "hashicorp/time"
    }
  }
  backend "local" {
    path = "terraform.sakila.tfstate"
  }


}

provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = {
      project = "dms-dynamodb-migration"
      stack   = "sakila"
    }
  }
}

variable "vpc_id" {
  description = "VPC of the source database and DMS"
  type        = string
}

variable "private_subnet_ids" {
  description = "At least two private subnets in different availability zones"
  type        = list(string)
}
data "aws_iam_policy_document" "DmsAccountRoles_TrustPolicy_206FDECD" {
  statement {
    actions = [
      "sts:AssumeRole"
    ]
    principals {
      identifiers = [
        "dms.amazonaws.com"
      ]
      type = "Service"
    }
  }
}
resource "aws_iam_role" "DmsAccountRoles_VpcRole_02A3BCEE" {
  assume_role_policy = "${data.aws_iam_policy_document.DmsAccountRoles_TrustPolicy_206FDECD.json}"
  name               = "dms-vpc-role"
}
resource "aws_iam_role_policy_attachment" "DmsAccountRoles_VpcRolePolicy_BF6E367D" {
  policy_arn = "arn:${data.aws_partition.AccountContext_partition_67B31C2B.partition}:iam::aws:policy/service-role/AmazonDMSVPCManagementRole"
  role       = "${aws_iam_role.DmsAccountRoles_VpcRole_02A3BCEE.name}"
}
resource "aws_iam_role" "DmsAccountRoles_CloudWatchLogsRole_15BC7A5D" {
  assume_role_policy = "${data.aws_iam_policy_document.DmsAccountRoles_TrustPolicy_206FDECD.json}"
  name               = "dms-cloudwatch-logs-role"
}
resource "aws_iam_role_policy_attachment" "DmsAccountRoles_CloudWatchLogsRolePolicy_2091E7BD" {
  policy_arn = "arn:${data.aws_partition.AccountContext_partition_67B31C2B.partition}:iam::aws:policy/service-role/AmazonDMSCloudWatchLogsRole"
  role       = "${aws_iam_role.DmsAccountRoles_CloudWatchLogsRole_15BC7A5D.name}"
}
resource "time_sleep" "DmsAccountRoles_IamPropagation_7550708D" {
  depends_on = [
    "aws_iam_role_policy_attachment.DmsAccountRoles_VpcRolePolicy_BF6E367D",
    "aws_iam_role_policy_attachment.DmsAccountRoles_CloudWatchLogsRolePolicy_2091E7BD",
  ]
  provider        = "time"
  create_duration = "10s"
}
data "aws_partition" "AccountContext_partition_67B31C2B" {
}
data "aws_region" "AccountContext_region_565574B7" {
}
data "aws_caller_identity" "AccountContext_caller_495D69AA" {
}

provider "time" {
}
data "aws_iam_policy_document" "Key_Policy_58DDA5C1" {
  statement {
    actions = [
      "kms:*"
    ]
    resources = [
      "*"
    ]
    sid = "AccountAdministersThroughIam"
    principals {
      identifiers = [
        "arn:${data.aws_partition.AccountContext_partition_67B31C2B.partition}:iam::${data.aws_caller_identity.AccountContext_caller_495D69AA.account_id}:root"
      ]
      type = "AWS"
    }
  }
  statement {
    actions = [
      "kms:Encrypt",
      "kms:Decrypt",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:DescribeKey"
    ]
    resources = [
      "*"
    ]
    sid = "CloudWatchLogsForThisAccount"
    condition {
      test = "ArnLike"
      values = [
        "arn:${data.aws_partition.AccountContext_partition_67B31C2B.partition}:logs:${data.aws_region.AccountContext_region_565574B7.region}:${data.aws_caller_identity.AccountContext_caller_495D69AA.account_id}:log-group:*"
      ]
      variable = "kms:EncryptionContext:aws:logs:arn"
    }
    principals {
      identifiers = [
        "logs.${data.aws_region.AccountContext_region_565574B7.region}.amazonaws.com"
      ]
      type = "Service"
    }
  }
  statement {
    actions = [
      "kms:Decrypt",
      "kms:GenerateDataKey*"
    ]
    resources = [
      "*"
    ]
    sid = "AlarmsAndDmsEventsPublishToEncryptedTopic"
    condition {
      test = "StringEquals"
      values = [
        "${data.aws_caller_identity.AccountContext_caller_495D69AA.account_id}"
      ]
      variable = "aws:SourceAccount"
    }
    principals {
      identifiers = [
        "cloudwatch.amazonaws.com",
        "dms.amazonaws.com"
      ]
      type = "Service"
    }
  }
}
resource "aws_kms_key" "Key_961B73FD" {
  deletion_window_in_days = 30
  description             = "Data at rest of migration sakila-migration"
  enable_key_rotation     = true
  policy                  = "${data.aws_iam_policy_document.Key_Policy_58DDA5C1.json}"
}
resource "aws_kms_alias" "Key_Alias_6C2E2031" {
  name          = "alias/sakila-migration"
  target_key_id = "${aws_kms_key.Key_961B73FD.key_id}"
}
resource "aws_security_group" "Source_SecurityGroup_D4D974DE" {
  description = "MySQL source sakila-source: 3306 only from DMS"
  name        = "sakila-source-mysql"
  vpc_id      = "${var.vpc_id}"
}
resource "aws_db_subnet_group" "Source_SubnetGroup_1ABF46E1" {
  name       = "sakila-source-mysql"
  subnet_ids = "${var.private_subnet_ids}"
}
resource "aws_db_parameter_group" "Source_BinlogParameters_C727EB6E" {
  description = "binlog settings DMS CDC needs"
  family      = "mysql8.0"
  name        = "sakila-source-binlog"
  parameter {
    apply_method = "pending-reboot"
    name         = "binlog_format"
    value        = "ROW"
  }
  parameter {
    apply_method = "pending-reboot"
    name         = "binlog_row_image"
    value        = "FULL"
  }
  parameter {
    apply_method = "pending-reboot"
    name         = "require_secure_transport"
    value        = "1"
  }
}
data "aws_iam_policy_document" "Source_MonitoringTrust_CE4E1431" {
  statement {
    actions = [
      "sts:AssumeRole"
    ]
    principals {
      identifiers = [
        "monitoring.rds.amazonaws.com"
      ]
      type = "Service"
    }
  }
}
resource "aws_iam_role" "Source_MonitoringRole_B4A1AAD8" {
  assume_role_policy = "${data.aws_iam_policy_document.Source_MonitoringTrust_CE4E1431.json}"
  name               = "sakila-source-rds-monitoring"
}
resource "aws_iam_role_policy_attachment" "Source_MonitoringPolicy_CDAF8A73" {
  policy_arn = "arn:${data.aws_partition.AccountContext_partition_67B31C2B.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
  role       = "${aws_iam_role.Source_MonitoringRole_B4A1AAD8.name}"
}
resource "aws_db_instance" "Source_71E471F1" {
  allocated_storage          = 20
  auto_minor_version_upgrade = true
  backup_retention_period    = 7
  copy_tags_to_snapshot      = true
  db_name                    = "yourdb"
  db_subnet_group_name       = "${aws_db_subnet_group.Source_SubnetGroup_1ABF46E1.name}"
  deletion_protection        = true
  enabled_cloudwatch_logs_exports = [
    "error",
    "slowquery"
  ]
  engine                              = "mysql"
  engine_version                      = "8.0"
  final_snapshot_identifier           = "sakila-source-final"
  iam_database_authentication_enabled = true
  identifier                          = "sakila-source"
  instance_class                      = "db.t3.micro"
  kms_key_id                          = "${aws_kms_key.Key_961B73FD.arn}"
  manage_master_user_password         = true
  monitoring_interval                 = 60
  monitoring_role_arn                 = "${aws_iam_role.Source_MonitoringRole_B4A1AAD8.arn}"
  multi_az                            = true
  parameter_group_name                = "${aws_db_parameter_group.Source_BinlogParameters_C727EB6E.name}"
  publicly_accessible                 = false
  skip_final_snapshot                 = false
  storage_encrypted                   = true
  storage_type                        = "gp3"
  username                            = "admin"
  vpc_security_group_ids = [
    "${aws_security_group.Source_SecurityGroup_D4D974DE.id}"
  ]
}
resource "aws_secretsmanager_secret" "Source_DmsUserSecret_32394B4D" {
  description = "Credentials DMS uses to read the MySQL source: put {username, password, host, port} here after deploy (see README); Terraform never holds the value"
  kms_key_id  = "${aws_kms_key.Key_961B73FD.arn}"
  name        = "sakila-source/dms-source"
}
resource "aws_vpc_security_group_ingress_rule" "Source_IngressFromDms_E9DC46C1" {
  description                  = "MySQL from DMS"
  from_port                    = 3306
  ip_protocol                  = "tcp"
  referenced_security_group_id = "${aws_security_group.Migration_SecurityGroup_0E27E444.id}"
  security_group_id            = "${aws_security_group.Source_SecurityGroup_D4D974DE.id}"
  to_port                      = 3306
}
resource "aws_dynamodb_table" "Table_CD117FA1" {
  billing_mode                = "PAY_PER_REQUEST"
  deletion_protection_enabled = true
  hash_key                    = "pk"
  name                        = "migration-target-table"
  range_key                   = "sk"
  attribute {
    name = "pk"
    type = "S"
  }
  attribute {
    name = "sk"
    type = "S"
  }
  attribute {
    name = "gsi1pk"
    type = "S"
  }
  attribute {
    name = "gsi1sk"
    type = "S"
  }
  attribute {
    name = "gsi2pk"
    type = "S"
  }
  attribute {
    name = "gsi2sk"
    type = "S"
  }
  global_secondary_index {
    hash_key        = "gsi1pk"
    name            = "GSI1"
    projection_type = "ALL"
    range_key       = "gsi1sk"
  }
  global_secondary_index {
    hash_key        = "gsi2pk"
    name            = "GSI2"
    projection_type = "ALL"
    range_key       = "gsi2sk"
  }
  point_in_time_recovery {
    enabled = true
  }
  server_side_encryption {
    enabled     = true
    kms_key_arn = "${aws_kms_key.Key_961B73FD.arn}"
  }
}
data "aws_iam_policy_document" "Table_DmsTargetPolicyDocument_FA31ADF7" {
  statement {
    actions = [
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      "dynamodb:DeleteItem",
      "dynamodb:DescribeTable",
      "dynamodb:BatchWriteItem",
      "dynamodb:Scan",
      "dynamodb:Query"
    ]
    resources = [
      "${aws_dynamodb_table.Table_CD117FA1.arn}"
    ]
    sid = "DmsTargetTable"
  }
  statement {
    actions = [
      "dynamodb:CreateTable",
      "dynamodb:DeleteTable",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      "dynamodb:DeleteItem",
      "dynamodb:DescribeTable",
      "dynamodb:BatchWriteItem",
      "dynamodb:Scan",
      "dynamodb:Query"
    ]
    resources = [
      "arn:${data.aws_partition.AccountContext_partition_67B31C2B.partition}:dynamodb:${data.aws_region.AccountContext_region_565574B7.region}:${data.aws_caller_identity.AccountContext_caller_495D69AA.account_id}:table/awsdms_apply_exceptions",
      "arn:${data.aws_partition.AccountContext_partition_67B31C2B.partition}:dynamodb:${data.aws_region.AccountContext_region_565574B7.region}:${data.aws_caller_identity.AccountContext_caller_495D69AA.account_id}:table/awsdms_full_load_exceptions"
    ]
    sid = "DmsControlTables"
  }
  statement {
    actions = [
      "kms:Encrypt",
      "kms:Decrypt",
      "kms:GenerateDataKey*",
      "kms:DescribeKey"
    ]
    resources = [
      "${aws_kms_key.Key_961B73FD.arn}"
    ]
    sid = "DmsTableKey"
  }
  statement {
    actions = [
      "dynamodb:ListTables"
    ]
    resources = [
      "*"
    ]
    sid = "DmsListTables"
  }
}
resource "aws_iam_role_policy" "Table_DmsTargetPolicy_8A2E1B68" {
  name   = "dms-dynamodb-target"
  policy = "${data.aws_iam_policy_document.Table_DmsTargetPolicyDocument_FA31ADF7.json}"
  role   = "${aws_iam_role.Migration_TargetAccessRole_9658B332.id}"
}

variable "private_route_table_ids" {
  description = "Route tables of the private subnets (the DynamoDB gateway endpoint attaches to them)"
  type        = list(string)
}
resource "aws_security_group" "Migration_SecurityGroup_0E27E444" {
  description = "DMS sakila: out to MySQL and to AWS APIs over HTTPS, nothing in"
  name        = "sakila-dms"
  vpc_id      = "${var.vpc_id}"
}
resource "aws_vpc_security_group_egress_rule" "Migration_EgressToMySql_FB54B369" {
  description                  = "MySQL source"
  from_port                    = 3306
  ip_protocol                  = "tcp"
  referenced_security_group_id = "${aws_security_group.Source_SecurityGroup_D4D974DE.id}"
  security_group_id            = "${aws_security_group.Migration_SecurityGroup_0E27E444.id}"
  to_port                      = 3306
}
resource "aws_vpc_endpoint" "Migration_ServiceEndpoints_DynamoDb_DD0DC590" {
  route_table_ids = "${var.private_route_table_ids}"
  service_name    = "com.amazonaws.${data.aws_region.AccountContext_region_565574B7.region}.dynamodb"
  tags = {
    Name = "sakila-dynamodb"
  }
  vpc_endpoint_type = "Gateway"
  vpc_id            = "${var.vpc_id}"
}
resource "aws_security_group" "Migration_ServiceEndpoints_SecurityGroup_D9C23054" {
  description = "Secrets Manager endpoint for DMS sakila: 443 from DMS only"
  name        = "sakila-endpoints"
  vpc_id      = "${var.vpc_id}"
}
resource "aws_vpc_security_group_ingress_rule" "Migration_ServiceEndpoints_FromDms_4BE0A2EE" {
  description                  = "HTTPS from DMS"
  from_port                    = 443
  ip_protocol                  = "tcp"
  referenced_security_group_id = "${aws_security_group.Migration_SecurityGroup_0E27E444.id}"
  security_group_id            = "${aws_security_group.Migration_ServiceEndpoints_SecurityGroup_D9C23054.id}"
  to_port                      = 443
}
resource "aws_vpc_endpoint" "Migration_ServiceEndpoints_SecretsManager_BA00ACC9" {
  private_dns_enabled = true
  security_group_ids = [
    "${aws_security_group.Migration_ServiceEndpoints_SecurityGroup_D9C23054.id}"
  ]
  service_name = "com.amazonaws.${data.aws_region.AccountContext_region_565574B7.region}.secretsmanager"
  subnet_ids   = "${var.private_subnet_ids}"
  tags = {
    Name = "sakila-secretsmanager"
  }
  vpc_endpoint_type = "Interface"
  vpc_id            = "${var.vpc_id}"
}
resource "aws_vpc_security_group_egress_rule" "Migration_ServiceEndpoints_DmsToDynamoDb_ABA3B5B4" {
  description       = "DynamoDB through the gateway endpoint"
  from_port         = 443
  ip_protocol       = "tcp"
  prefix_list_id    = "${aws_vpc_endpoint.Migration_ServiceEndpoints_DynamoDb_DD0DC590.prefix_list_id}"
  security_group_id = "${aws_security_group.Migration_SecurityGroup_0E27E444.id}"
  to_port           = 443
}
resource "aws_vpc_security_group_egress_rule" "Migration_ServiceEndpoints_DmsToSecretsManager_3B8E873B" {
  description                  = "Secrets Manager through the interface endpoint"
  from_port                    = 443
  ip_protocol                  = "tcp"
  referenced_security_group_id = "${aws_security_group.Migration_ServiceEndpoints_SecurityGroup_D9C23054.id}"
  security_group_id            = "${aws_security_group.Migration_SecurityGroup_0E27E444.id}"
  to_port                      = 443
}
resource "aws_dms_replication_subnet_group" "Migration_SubnetGroup_3FB08A56" {
  replication_subnet_group_description = "DMS subnets for sakila"
  replication_subnet_group_id          = "sakila"
  subnet_ids                           = "${var.private_subnet_ids}"
  depends_on = [
    "time_sleep.DmsAccountRoles_IamPropagation_7550708D",
  ]
}
data "aws_iam_policy_document" "Migration_TargetTrustPolicy_78C4FB10" {
  statement {
    actions = [
      "sts:AssumeRole"
    ]
    condition {
      test = "StringEquals"
      values = [
        "${data.aws_caller_identity.AccountContext_caller_495D69AA.account_id}"
      ]
      variable = "aws:SourceAccount"
    }
    principals {
      identifiers = [
        "dms.amazonaws.com"
      ]
      type = "Service"
    }
  }
}
resource "aws_iam_role" "Migration_TargetAccessRole_9658B332" {
  assume_role_policy = "${data.aws_iam_policy_document.Migration_TargetTrustPolicy_78C4FB10.json}"
  description        = "Lets DMS write the target DynamoDB table and its control tables"
  name               = "sakila-dms-dynamodb"
}
data "aws_iam_policy_document" "Migration_SecretsTrustPolicy_B8E52A0A" {
  statement {
    actions = [
      "sts:AssumeRole"
    ]
    condition {
      test = "StringEquals"
      values = [
        "${data.aws_caller_identity.AccountContext_caller_495D69AA.account_id}"
      ]
      variable = "aws:SourceAccount"
    }
    principals {
      identifiers = [
        "dms.amazonaws.com",
        "dms.${data.aws_region.AccountContext_region_565574B7.region}.amazonaws.com"
      ]
      type = "Service"
    }
  }
}
resource "aws_iam_role" "Migration_SecretsAccessRole_228F7CA3" {
  assume_role_policy = "${data.aws_iam_policy_document.Migration_SecretsTrustPolicy_B8E52A0A.json}"
  description        = "Lets DMS read the MySQL source credentials from Secrets Manager"
  name               = "sakila-dms-secrets"
}
data "aws_iam_policy_document" "Migration_SecretsPolicyDocument_DE27F56D" {
  statement {
    actions = [
      "secretsmanager:GetSecretValue",
      "secretsmanager:DescribeSecret"
    ]
    resources = [
      "${aws_secretsmanager_secret.Source_DmsUserSecret_32394B4D.arn}"
    ]
    sid = "ReadSourceSecret"
  }
  statement {
    actions = [
      "kms:Decrypt"
    ]
    resources = [
      "${aws_kms_key.Key_961B73FD.arn}"
    ]
    sid = "DecryptSourceSecret"
  }
}
resource "aws_iam_role_policy" "Migration_SecretsAccessPolicy_0F027B00" {
  name   = "dms-source-secret"
  policy = "${data.aws_iam_policy_document.Migration_SecretsPolicyDocument_DE27F56D.json}"
  role   = "${aws_iam_role.Migration_SecretsAccessRole_228F7CA3.id}"
}
resource "aws_dms_endpoint" "Migration_SourceEndpoint_8F17F523" {
  database_name                   = "yourdb"
  endpoint_id                     = "sakila-source"
  endpoint_type                   = "source"
  engine_name                     = "mysql"
  kms_key_arn                     = "${aws_kms_key.Key_961B73FD.arn}"
  secrets_manager_access_role_arn = "${aws_iam_role.Migration_SecretsAccessRole_228F7CA3.arn}"
  secrets_manager_arn             = "${aws_secretsmanager_secret.Source_DmsUserSecret_32394B4D.arn}"
  ssl_mode                        = "require"
  depends_on = [
    "aws_iam_role_policy.Migration_SecretsAccessPolicy_0F027B00",
  ]
}
resource "aws_dms_endpoint" "Migration_TargetEndpoint_27665E1B" {
  endpoint_id         = "sakila-target"
  endpoint_type       = "target"
  engine_name         = "dynamodb"
  kms_key_arn         = "${aws_kms_key.Key_961B73FD.arn}"
  service_access_role = "${aws_iam_role.Migration_TargetAccessRole_9658B332.arn}"
  depends_on = [
    "aws_iam_role_policy.Table_DmsTargetPolicy_8A2E1B68",
  ]
}
resource "aws_cloudwatch_log_group" "Migration_TaskLogs_1DABA19C" {
  kms_key_id        = "${aws_kms_key.Key_961B73FD.arn}"
  name              = "dms-tasks-sakila"
  retention_in_days = 365
}
resource "aws_dms_replication_instance" "Migration_ReplicationInstance_E44EFA0F" {
  allocated_storage           = 50
  auto_minor_version_upgrade  = true
  kms_key_arn                 = "${aws_kms_key.Key_961B73FD.arn}"
  multi_az                    = false
  publicly_accessible         = false
  replication_instance_class  = "dms.t3.medium"
  replication_instance_id     = "sakila"
  replication_subnet_group_id = "${aws_dms_replication_subnet_group.Migration_SubnetGroup_3FB08A56.replication_subnet_group_id}"
  vpc_security_group_ids = [
    "${aws_security_group.Migration_SecurityGroup_0E27E444.id}"
  ]
  depends_on = [
    "time_sleep.DmsAccountRoles_IamPropagation_7550708D",
  ]
}
resource "aws_dms_replication_task" "Migration_ReplicationTask_D01CF317" {
  migration_type            = "full-load-and-cdc"
  replication_instance_arn  = "${aws_dms_replication_instance.Migration_ReplicationInstance_E44EFA0F.replication_instance_arn}"
  replication_task_id       = "sakila"
  replication_task_settings = "{\"FullLoadSettings\":{\"TargetTablePrepMode\":\"DO_NOTHING\"},\"Logging\":{\"EnableLogging\":true}}"
  source_endpoint_arn       = "${aws_dms_endpoint.Migration_SourceEndpoint_8F17F523.endpoint_arn}"
  start_replication_task    = false
  table_mappings            = "{\"rules\":[{\"rule-type\":\"selection\",\"rule-id\":\"1\",\"rule-name\":\"include-all\",\"rule-action\":\"include\",\"object-locator\":{\"schema-name\":\"yourdb\",\"table-name\":\"%\"}},{\"rule-type\":\"selection\",\"rule-id\":\"2\",\"rule-name\":\"exclude-film-text\",\"rule-action\":\"exclude\",\"object-locator\":{\"schema-name\":\"yourdb\",\"table-name\":\"film_text\"}},{\"rule-type\":\"object-mapping\",\"rule-id\":\"10\",\"rule-name\":\"map-language\",\"rule-action\":\"map-record-to-record\",\"object-locator\":{\"schema-name\":\"yourdb\",\"table-name\":\"language\"},\"target-table-name\":\"migration-target-table\",\"mapping-parameters\":{\"partition-key-name\":\"pk\",\"sort-key-name\":\"sk\",\"attribute-mappings\":[{\"target-attribute-name\":\"pk\",\"attribute-type\":\"scalar\",\"attribute-sub-type\":\"string\",\"value\":\"LANGUAGE#$${language_id}\"},{\"target-attribute-name\":\"sk\",\"attribute-type\":\"scalar\",\"attribute-sub-type\":\"string\",\"value\":\"#METADATA\"}]}},{\"rule-type\":\"object-mapping\",\"rule-id\":\"11\",\"rule-name\":\"map-actor\",\"rule-action\":\"map-record-to-record\",\"object-locator\":{\"schema-name\":\"yourdb\",\"table-name\":\"actor\"},\"target-table-name\":\"migration-target-table\",\"mapping-parameters\":{\"partition-key-name\":\"pk\",\"sort-key-name\":\"sk\",\"attribute-mappings\":[{\"target-attribute-name\":\"pk\",\"attribute-type\":\"scalar\",\"attribute-sub-type\":\"string\",\"value\":\"ACTOR#$${actor_id}\"},{\"target-attribute-name\":\"sk\",\"attribute-type\":\"scalar\",\"attribute-sub-type\":\"string\",\"value\":\"#METADATA\"}]}},{\"rule-type\":\"object-mapping\",\"rule-id\":\"12\",\"rule-name\":\"map-film\",\"rule-action\":\"map-record-to-record\",\"object-locator\":{\"schema-name\":\"yourdb\",\"table-name\":\"film\"},\"target-table-name\":\"migration-target-table\",\"mapping-parameters\":{\"partition-key-name\":\"pk\",\"sort-key-name\":\"sk\",\"attribute-mappings\":[{\"target-attribute-name\":\"pk\",\"attribute-type\":\"scalar\",\"attribute-sub-type\":\"string\",\"value\":\"FILM#$${film_id}\"},{\"target-attribute-name\":\"sk\",\"attribute-type\":\"scalar\",\"attribute-sub-type\":\"string\",\"value\":\"#METADATA\"}]}},{\"rule-type\":\"object-mapping\",\"rule-id\":\"13\",\"rule-name\":\"map-category\",\"rule-action\":\"map-record-to-record\",\"object-locator\":{\"schema-name\":\"yourdb\",\"table-name\":\"category\"},\"target-table-name\":\"migration-target-table\",\"mapping-parameters\":{\"partition-key-name\":\"pk\",\"sort-key-name\":\"sk\",\"attribute-mappings\":[{\"target-attribute-name\":\"pk\",\"attribute-type\":\"scalar\",\"attribute-sub-type\":\"string\",\"value\":\"CATEGORY#$${category_id}\"},{\"target-attribute-name\":\"sk\",\"attribute-type\":\"scalar\",\"attribute-sub-type\":\"string\",\"value\":\"#METADATA\"}]}},{\"rule-type\":\"object-mapping\",\"rule-id\":\"14\",\"rule-name\":\"map-customer\",\"rule-action\":\"map-record-to-record\",\"object-locator\":{\"schema-name\":\"yourdb\",\"table-name\":\"customer\"},\"target-table-name\":\"migration-target-table\",\"mapping-parameters\":{\"partition-key-name\":\"pk\",\"sort-key-name\":\"sk\",\"attribute-mappings\":[{\"target-attribute-name\":\"pk\",\"attribute-type\":\"scalar\",\"attribute-sub-type\":\"string\",\"value\":\"CUSTOMER#$${customer_id}\"},{\"target-attribute-name\":\"sk\",\"attribute-type\":\"scalar\",\"attribute-sub-type\":\"string\",\"value\":\"#METADATA\"}]}},{\"rule-type\":\"object-mapping\",\"rule-id\":\"15\",\"rule-name\":\"map-film-actor\",\"rule-action\":\"map-record-to-record\",\"object-locator\":{\"schema-name\":\"yourdb\",\"table-name\":\"film_actor\"},\"target-table-name\":\"migration-target-table\",\"mapping-parameters\":{\"partition-key-name\":\"pk\",\"sort-key-name\":\"sk\",\"attribute-mappings\":[{\"target-attribute-name\":\"pk\",\"attribute-type\":\"scalar\",\"attribute-sub-type\":\"string\",\"value\":\"FILM#$${film_id}\"},{\"target-attribute-name\":\"sk\",\"attribute-type\":\"scalar\",\"attribute-sub-type\":\"string\",\"value\":\"ACTOR#$${actor_id}\"},{\"target-attribute-name\":\"gsi1pk\",\"attribute-type\":\"scalar\",\"attribute-sub-type\":\"string\",\"value\":\"ACTOR#$${actor_id}\"},{\"target-attribute-name\":\"gsi1sk\",\"attribute-type\":\"scalar\",\"attribute-sub-type\":\"string\",\"value\":\"FILM#$${film_id}\"}]}},{\"rule-type\":\"object-mapping\",\"rule-id\":\"16\",\"rule-name\":\"map-film-category\",\"rule-action\":\"map-record-to-record\",\"object-locator\":{\"schema-name\":\"yourdb\",\"table-name\":\"film_category\"},\"target-table-name\":\"migration-target-table\",\"mapping-parameters\":{\"partition-key-name\":\"pk\",\"sort-key-name\":\"sk\",\"attribute-mappings\":[{\"target-attribute-name\":\"pk\",\"attribute-type\":\"scalar\",\"attribute-sub-type\":\"string\",\"value\":\"FILM#$${film_id}\"},{\"target-attribute-name\":\"sk\",\"attribute-type\":\"scalar\",\"attribute-sub-type\":\"string\",\"value\":\"CATEGORY#$${category_id}\"},{\"target-attribute-name\":\"gsi1pk\",\"attribute-type\":\"scalar\",\"attribute-sub-type\":\"string\",\"value\":\"CATEGORY#$${category_id}\"},{\"target-attribute-name\":\"gsi1sk\",\"attribute-type\":\"scalar\",\"attribute-sub-type\":\"string\",\"value\":\"FILM#$${film_id}\"}]}},{\"rule-type\":\"object-mapping\",\"rule-id\":\"17\",\"rule-name\":\"map-rental\",\"rule-action\":\"map-record-to-record\",\"object-locator\":{\"schema-name\":\"yourdb\",\"table-name\":\"rental\"},\"target-table-name\":\"migration-target-table\",\"mapping-parameters\":{\"partition-key-name\":\"pk\",\"sort-key-name\":\"sk\",\"attribute-mappings\":[{\"target-attribute-name\":\"pk\",\"attribute-type\":\"scalar\",\"attribute-sub-type\":\"string\",\"value\":\"CUSTOMER#$${customer_id}\"},{\"target-attribute-name\":\"sk\",\"attribute-type\":\"scalar\",\"attribute-sub-type\":\"string\",\"value\":\"RENTAL#$${rental_id}\"},{\"target-attribute-name\":\"gsi2pk\",\"attribute-type\":\"scalar\",\"attribute-sub-type\":\"string\",\"value\":\"INVENTORY#$${inventory_id}\"},{\"target-attribute-name\":\"gsi2sk\",\"attribute-type\":\"scalar\",\"attribute-sub-type\":\"string\",\"value\":\"RENTAL#$${rental_id}\"}]}}]}"
  target_endpoint_arn       = "${aws_dms_endpoint.Migration_TargetEndpoint_27665E1B.endpoint_arn}"
  depends_on = [
    "aws_iam_role_policy.Table_DmsTargetPolicy_8A2E1B68",
    "aws_iam_role_policy.Migration_SecretsAccessPolicy_0F027B00",
    "time_sleep.DmsAccountRoles_IamPropagation_7550708D",
    "aws_cloudwatch_log_group.Migration_TaskLogs_1DABA19C",
  ]
}
resource "aws_sns_topic" "Migration_Monitoring_Topic_DCA37F91" {
  kms_master_key_id = "${aws_kms_key.Key_961B73FD.arn}"
  name              = "sakila-alerts"
}
resource "aws_cloudwatch_metric_alarm" "Migration_Monitoring_FreeStorage_5E32C62F" {
  alarm_actions = [
    "${aws_sns_topic.Migration_Monitoring_Topic_DCA37F91.arn}"
  ]
  alarm_description   = "the replication instance is running out of storage (DMS spills changes to disk when the target falls behind)"
  alarm_name          = "sakila-free-storage"
  comparison_operator = "LessThanThreshold"
  dimensions = {
    ReplicationInstanceIdentifier = "sakila"
  }
  evaluation_periods = 3
  metric_name        = "FreeStorageSpace"
  namespace          = "AWS/DMS"
  ok_actions = [
    "${aws_sns_topic.Migration_Monitoring_Topic_DCA37F91.arn}"
  ]
  period             = 300
  statistic          = "Minimum"
  threshold          = 5368709120
  treat_missing_data = "notBreaching"
}
resource "aws_cloudwatch_metric_alarm" "Migration_Monitoring_Cpu_FF61B51F" {
  alarm_actions = [
    "${aws_sns_topic.Migration_Monitoring_Topic_DCA37F91.arn}"
  ]
  alarm_description   = "the replication instance is CPU-bound"
  alarm_name          = "sakila-cpu"
  comparison_operator = "GreaterThanThreshold"
  dimensions = {
    ReplicationInstanceIdentifier = "sakila"
  }
  evaluation_periods = 3
  metric_name        = "CPUUtilization"
  namespace          = "AWS/DMS"
  ok_actions = [
    "${aws_sns_topic.Migration_Monitoring_Topic_DCA37F91.arn}"
  ]
  period             = 300
  statistic          = "Average"
  threshold          = 80
  treat_missing_data = "notBreaching"
}
resource "aws_cloudwatch_metric_alarm" "Migration_Monitoring_CdcLatencySource_DDE2D25D" {
  alarm_actions = [
    "${aws_sns_topic.Migration_Monitoring_Topic_DCA37F91.arn}"
  ]
  alarm_description   = "CDC is more than 300 s behind the source"
  alarm_name          = "sakila-cdc-latency-source"
  comparison_operator = "GreaterThanThreshold"
  dimensions = {
    ReplicationInstanceIdentifier = "sakila"
    ReplicationTaskIdentifier     = "${element(split(":", aws_dms_replication_task.Migration_ReplicationTask_D01CF317.replication_task_arn), 6)}"
  }
  evaluation_periods = 3
  metric_name        = "CDCLatencySource"
  namespace          = "AWS/DMS"
  ok_actions = [
    "${aws_sns_topic.Migration_Monitoring_Topic_DCA37F91.arn}"
  ]
  period             = 300
  statistic          = "Maximum"
  threshold          = 300
  treat_missing_data = "notBreaching"
}
resource "aws_cloudwatch_metric_alarm" "Migration_Monitoring_CdcLatencyTarget_9BB9636F" {
  alarm_actions = [
    "${aws_sns_topic.Migration_Monitoring_Topic_DCA37F91.arn}"
  ]
  alarm_description   = "CDC is more than 300 s behind the target"
  alarm_name          = "sakila-cdc-latency-target"
  comparison_operator = "GreaterThanThreshold"
  dimensions = {
    ReplicationInstanceIdentifier = "sakila"
    ReplicationTaskIdentifier     = "${element(split(":", aws_dms_replication_task.Migration_ReplicationTask_D01CF317.replication_task_arn), 6)}"
  }
  evaluation_periods = 3
  metric_name        = "CDCLatencyTarget"
  namespace          = "AWS/DMS"
  ok_actions = [
    "${aws_sns_topic.Migration_Monitoring_Topic_DCA37F91.arn}"
  ]
  period             = 300
  statistic          = "Maximum"
  threshold          = 300
  treat_missing_data = "notBreaching"
}
resource "aws_dms_event_subscription" "Migration_Monitoring_InstanceEvents_C9444811" {
  enabled = true
  event_categories = [
    "failure",
    "low storage",
    "failover"
  ]
  name          = "sakila-instance"
  sns_topic_arn = "${aws_sns_topic.Migration_Monitoring_Topic_DCA37F91.arn}"
  source_ids = [
    "sakila"
  ]
  source_type = "replication-instance"
}
resource "aws_dms_event_subscription" "Migration_Monitoring_TaskEvents_9420F906" {
  enabled = true
  event_categories = [
    "failure",
    "state change"
  ]
  name          = "sakila-task"
  sns_topic_arn = "${aws_sns_topic.Migration_Monitoring_Topic_DCA37F91.arn}"
  source_type   = "replication-task"
}

output "replication_task_arn" {
  value       = "${aws_dms_replication_task.Migration_ReplicationTask_D01CF317.replication_task_arn}"
  description = "Start it with aws dms start-replication-task"
}

output "target_table_name" {
  value       = "migration-target-table"
  description = "The DynamoDB single table"
}

output "source_endpoint_arn" {
  value       = "${aws_dms_endpoint.Migration_SourceEndpoint_8F17F523.endpoint_arn}"
  description = "DMS MySQL source endpoint"
}

output "target_endpoint_arn" {
  value       = "${aws_dms_endpoint.Migration_TargetEndpoint_27665E1B.endpoint_arn}"
  description = "DMS DynamoDB target endpoint"
}

output "dms_source_secret_arn" {
  value       = "${aws_secretsmanager_secret.Source_DmsUserSecret_32394B4D.arn}"
  description = "Fill with {username, password, host, port} after deploy"
}

output "source_address" {
  value       = "${aws_db_instance.Source_71E471F1.address}"
  description = "MySQL host, for the secret and the DMS user's grants"
}