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
resource "aws_vpc_security_group_ingress_rule" "Source_IngressFromDms-cae2db7c_2EBAC68C" {
  description                  = "MySQL from the Glue verify job sakila-verify"
  from_port                    = 3306
  ip_protocol                  = "tcp"
  referenced_security_group_id = "${aws_security_group.ExportVerify_SecurityGroup_8666FC9C.id}"
  security_group_id            = "${aws_security_group.Source_SecurityGroup_D4D974DE.id}"
  to_port                      = 3306
}
data "aws_iam_policy_document" "Source_ReadSecretPolicyDocument_29A32D52" {
  statement {
    actions = [
      "secretsmanager:GetSecretValue"
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
resource "aws_iam_role_policy" "Source_ReadSecretPolicy_562B6B10" {
  name   = "read-source-secret-f6348782"
  policy = "${data.aws_iam_policy_document.Source_ReadSecretPolicyDocument_29A32D52.json}"
  role   = "${aws_iam_role.ExportVerify_Role_072A8283.id}"
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
resource "aws_vpc_security_group_ingress_rule" "Migration_ServiceEndpoints_HttpsFrom-cae2db7c_E0D265AA" {
  description                  = "HTTPS from the Glue verify job sakila-verify"
  from_port                    = 443
  ip_protocol                  = "tcp"
  referenced_security_group_id = "${aws_security_group.ExportVerify_SecurityGroup_8666FC9C.id}"
  security_group_id            = "${aws_security_group.Migration_ServiceEndpoints_SecurityGroup_D9C23054.id}"
  to_port                      = 443
}
resource "aws_vpc_endpoint" "Migration_ServiceEndpoints_S3_FF267E1B" {
  route_table_ids = "${var.private_route_table_ids}"
  service_name    = "com.amazonaws.${data.aws_region.AccountContext_region_565574B7.region}.s3"
  tags = {
    Name = "sakila-s3"
  }
  vpc_endpoint_type = "Gateway"
  vpc_id            = "${var.vpc_id}"
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

variable "verify_assets_bucket" {
  description = "Bucket the verify job's script, package and plan go to"
  type        = string
}

variable "export_bucket" {
  description = "Bucket DynamoDB exports go to (the verify job reads them)"
  type        = string
}

variable "jdbc_driver_s3_uri" {
  description = "s3://BUCKET/KEY of the MariaDB Connector/J jar"
  type        = string
}

variable "ca_bundle_s3_uri" {
  description = "s3://BUCKET/KEY of the RDS CA bundle of the region"
  type        = string
}
data "aws_subnet" "ExportVerify_Subnet_9D126B4D" {
  id = "${element(var.private_subnet_ids, 0)}"
}
resource "aws_security_group" "ExportVerify_SecurityGroup_8666FC9C" {
  description = "Glue verify job sakila-verify: its workers together, out to MySQL and HTTPS"
  name        = "sakila-verify-glue"
  vpc_id      = "${data.aws_subnet.ExportVerify_Subnet_9D126B4D.vpc_id}"
}
resource "aws_vpc_security_group_ingress_rule" "ExportVerify_IngressSelf_24EAA953" {
  description                  = "Glue workers to each other (Glue requires a self-referencing rule)"
  ip_protocol                  = "-1"
  referenced_security_group_id = "${aws_security_group.ExportVerify_SecurityGroup_8666FC9C.id}"
  security_group_id            = "${aws_security_group.ExportVerify_SecurityGroup_8666FC9C.id}"
}
resource "aws_vpc_security_group_egress_rule" "ExportVerify_EgressSelf_1CDBA783" {
  description                  = "Glue workers to each other"
  ip_protocol                  = "-1"
  referenced_security_group_id = "${aws_security_group.ExportVerify_SecurityGroup_8666FC9C.id}"
  security_group_id            = "${aws_security_group.ExportVerify_SecurityGroup_8666FC9C.id}"
}
resource "aws_vpc_security_group_egress_rule" "ExportVerify_EgressToMySql_F55C2898" {
  description                  = "MySQL source"
  from_port                    = 3306
  ip_protocol                  = "tcp"
  referenced_security_group_id = "${aws_security_group.Source_SecurityGroup_D4D974DE.id}"
  security_group_id            = "${aws_security_group.ExportVerify_SecurityGroup_8666FC9C.id}"
  to_port                      = 3306
}
resource "aws_vpc_security_group_egress_rule" "ExportVerify_EgressToS3_DF0BABD3" {
  description       = "S3 through the gateway endpoint"
  from_port         = 443
  ip_protocol       = "tcp"
  prefix_list_id    = "${aws_vpc_endpoint.Migration_ServiceEndpoints_S3_FF267E1B.prefix_list_id}"
  security_group_id = "${aws_security_group.ExportVerify_SecurityGroup_8666FC9C.id}"
  to_port           = 443
}
resource "aws_vpc_security_group_egress_rule" "ExportVerify_EgressToSecretsManager_0AD8A423" {
  description                  = "Secrets Manager through the interface endpoint"
  from_port                    = 443
  ip_protocol                  = "tcp"
  referenced_security_group_id = "${aws_security_group.Migration_ServiceEndpoints_SecurityGroup_D9C23054.id}"
  security_group_id            = "${aws_security_group.ExportVerify_SecurityGroup_8666FC9C.id}"
  to_port                      = 443
}
resource "aws_glue_connection" "ExportVerify_Connection_EB34F7BA" {
  connection_type = "NETWORK"
  description     = "Network of the verify job sakila-verify: the source's VPC"
  name            = "sakila-verify-network"
  physical_connection_requirements {
    availability_zone = "${data.aws_subnet.ExportVerify_Subnet_9D126B4D.availability_zone}"
    security_group_id_list = [
      "${aws_security_group.ExportVerify_SecurityGroup_8666FC9C.id}"
    ]
    subnet_id = "${element(var.private_subnet_ids, 0)}"
  }
}
resource "aws_glue_security_configuration" "ExportVerify_SecurityConfiguration_AAF15658" {
  name = "sakila-verify"
  encryption_configuration {
    cloudwatch_encryption {
      cloudwatch_encryption_mode = "SSE-KMS"
      kms_key_arn                = "${aws_kms_key.Key_961B73FD.arn}"
    }
    job_bookmarks_encryption {
      job_bookmarks_encryption_mode = "CSE-KMS"
      kms_key_arn                   = "${aws_kms_key.Key_961B73FD.arn}"
    }
    s3_encryption {
      kms_key_arn        = "${aws_kms_key.Key_961B73FD.arn}"
      s3_encryption_mode = "SSE-KMS"
    }
  }
}
resource "aws_s3_object" "ExportVerify_Script_F707FECD" {
  bucket                 = "${var.verify_assets_bucket}"
  content                = <<EOF
from dms_dynamodb.verify.spark.job import main

main()

EOF
  key                    = "dms-dynamodb/sakila-verify/verify_job.py"
  kms_key_id             = "${aws_kms_key.Key_961B73FD.arn}"
  server_side_encryption = "aws:kms"
}
resource "aws_s3_object" "ExportVerify_Plan_81E8A306" {
  bucket                 = "${var.verify_assets_bucket}"
  content_base64         = "ewogInJlc291cmNlIjogewogICJhd3NfZG1zX3JlcGxpY2F0aW9uX3Rhc2siOiB7CiAgICJ0YXNrIjogewogICAgIm1pZ3JhdGlvbl90eXBlIjogImZ1bGwtbG9hZC1hbmQtY2RjIiwKICAgICJyZXBsaWNhdGlvbl90YXNrX2lkIjogInNha2lsYSIsCiAgICAicmVwbGljYXRpb25fdGFza19zZXR0aW5ncyI6ICJ7XCJGdWxsTG9hZFNldHRpbmdzXCI6e1wiVGFyZ2V0VGFibGVQcmVwTW9kZVwiOlwiRE9fTk9USElOR1wifSxcIkxvZ2dpbmdcIjp7XCJFbmFibGVMb2dnaW5nXCI6dHJ1ZX19IiwKICAgICJ0YWJsZV9tYXBwaW5ncyI6ICJ7XCJydWxlc1wiOlt7XCJydWxlLXR5cGVcIjpcInNlbGVjdGlvblwiLFwicnVsZS1pZFwiOlwiMVwiLFwicnVsZS1uYW1lXCI6XCJpbmNsdWRlLWFsbFwiLFwicnVsZS1hY3Rpb25cIjpcImluY2x1ZGVcIixcIm9iamVjdC1sb2NhdG9yXCI6e1wic2NoZW1hLW5hbWVcIjpcInlvdXJkYlwiLFwidGFibGUtbmFtZVwiOlwiJVwifX0se1wicnVsZS10eXBlXCI6XCJzZWxlY3Rpb25cIixcInJ1bGUtaWRcIjpcIjJcIixcInJ1bGUtbmFtZVwiOlwiZXhjbHVkZS1maWxtLXRleHRcIixcInJ1bGUtYWN0aW9uXCI6XCJleGNsdWRlXCIsXCJvYmplY3QtbG9jYXRvclwiOntcInNjaGVtYS1uYW1lXCI6XCJ5b3VyZGJcIixcInRhYmxlLW5hbWVcIjpcImZpbG1fdGV4dFwifX0se1wicnVsZS10eXBlXCI6XCJvYmplY3QtbWFwcGluZ1wiLFwicnVsZS1pZFwiOlwiMTBcIixcInJ1bGUtbmFtZVwiOlwibWFwLWxhbmd1YWdlXCIsXCJydWxlLWFjdGlvblwiOlwibWFwLXJlY29yZC10by1yZWNvcmRcIixcIm9iamVjdC1sb2NhdG9yXCI6e1wic2NoZW1hLW5hbWVcIjpcInlvdXJkYlwiLFwidGFibGUtbmFtZVwiOlwibGFuZ3VhZ2VcIn0sXCJ0YXJnZXQtdGFibGUtbmFtZVwiOlwibWlncmF0aW9uLXRhcmdldC10YWJsZVwiLFwibWFwcGluZy1wYXJhbWV0ZXJzXCI6e1wicGFydGl0aW9uLWtleS1uYW1lXCI6XCJwa1wiLFwic29ydC1rZXktbmFtZVwiOlwic2tcIixcImF0dHJpYnV0ZS1tYXBwaW5nc1wiOlt7XCJ0YXJnZXQtYXR0cmlidXRlLW5hbWVcIjpcInBrXCIsXCJhdHRyaWJ1dGUtdHlwZVwiOlwic2NhbGFyXCIsXCJhdHRyaWJ1dGUtc3ViLXR5cGVcIjpcInN0cmluZ1wiLFwidmFsdWVcIjpcIkxBTkdVQUdFIyQke2xhbmd1YWdlX2lkfVwifSx7XCJ0YXJnZXQtYXR0cmlidXRlLW5hbWVcIjpcInNrXCIsXCJhdHRyaWJ1dGUtdHlwZVwiOlwic2NhbGFyXCIsXCJhdHRyaWJ1dGUtc3ViLXR5cGVcIjpcInN0cmluZ1wiLFwidmFsdWVcIjpcIiNNRVRBREFUQVwifV19fSx7XCJydWxlLXR5cGVcIjpcIm9iamVjdC1tYXBwaW5nXCIsXCJydWxlLWlkXCI6XCIxMVwiLFwicnVsZS1uYW1lXCI6XCJtYXAtYWN0b3JcIixcInJ1bGUtYWN0aW9uXCI6XCJtYXAtcmVjb3JkLXRvLXJlY29yZFwiLFwib2JqZWN0LWxvY2F0b3JcIjp7XCJzY2hlbWEtbmFtZVwiOlwieW91cmRiXCIsXCJ0YWJsZS1uYW1lXCI6XCJhY3RvclwifSxcInRhcmdldC10YWJsZS1uYW1lXCI6XCJtaWdyYXRpb24tdGFyZ2V0LXRhYmxlXCIsXCJtYXBwaW5nLXBhcmFtZXRlcnNcIjp7XCJwYXJ0aXRpb24ta2V5LW5hbWVcIjpcInBrXCIsXCJzb3J0LWtleS1uYW1lXCI6XCJza1wiLFwiYXR0cmlidXRlLW1hcHBpbmdzXCI6W3tcInRhcmdldC1hdHRyaWJ1dGUtbmFtZVwiOlwicGtcIixcImF0dHJpYnV0ZS10eXBlXCI6XCJzY2FsYXJcIixcImF0dHJpYnV0ZS1zdWItdHlwZVwiOlwic3RyaW5nXCIsXCJ2YWx1ZVwiOlwiQUNUT1IjJCR7YWN0b3JfaWR9XCJ9LHtcInRhcmdldC1hdHRyaWJ1dGUtbmFtZVwiOlwic2tcIixcImF0dHJpYnV0ZS10eXBlXCI6XCJzY2FsYXJcIixcImF0dHJpYnV0ZS1zdWItdHlwZVwiOlwic3RyaW5nXCIsXCJ2YWx1ZVwiOlwiI01FVEFEQVRBXCJ9XX19LHtcInJ1bGUtdHlwZVwiOlwib2JqZWN0LW1hcHBpbmdcIixcInJ1bGUtaWRcIjpcIjEyXCIsXCJydWxlLW5hbWVcIjpcIm1hcC1maWxtXCIsXCJydWxlLWFjdGlvblwiOlwibWFwLXJlY29yZC10by1yZWNvcmRcIixcIm9iamVjdC1sb2NhdG9yXCI6e1wic2NoZW1hLW5hbWVcIjpcInlvdXJkYlwiLFwidGFibGUtbmFtZVwiOlwiZmlsbVwifSxcInRhcmdldC10YWJsZS1uYW1lXCI6XCJtaWdyYXRpb24tdGFyZ2V0LXRhYmxlXCIsXCJtYXBwaW5nLXBhcmFtZXRlcnNcIjp7XCJwYXJ0aXRpb24ta2V5LW5hbWVcIjpcInBrXCIsXCJzb3J0LWtleS1uYW1lXCI6XCJza1wiLFwiYXR0cmlidXRlLW1hcHBpbmdzXCI6W3tcInRhcmdldC1hdHRyaWJ1dGUtbmFtZVwiOlwicGtcIixcImF0dHJpYnV0ZS10eXBlXCI6XCJzY2FsYXJcIixcImF0dHJpYnV0ZS1zdWItdHlwZVwiOlwic3RyaW5nXCIsXCJ2YWx1ZVwiOlwiRklMTSMkJHtmaWxtX2lkfVwifSx7XCJ0YXJnZXQtYXR0cmlidXRlLW5hbWVcIjpcInNrXCIsXCJhdHRyaWJ1dGUtdHlwZVwiOlwic2NhbGFyXCIsXCJhdHRyaWJ1dGUtc3ViLXR5cGVcIjpcInN0cmluZ1wiLFwidmFsdWVcIjpcIiNNRVRBREFUQVwifV19fSx7XCJydWxlLXR5cGVcIjpcIm9iamVjdC1tYXBwaW5nXCIsXCJydWxlLWlkXCI6XCIxM1wiLFwicnVsZS1uYW1lXCI6XCJtYXAtY2F0ZWdvcnlcIixcInJ1bGUtYWN0aW9uXCI6XCJtYXAtcmVjb3JkLXRvLXJlY29yZFwiLFwib2JqZWN0LWxvY2F0b3JcIjp7XCJzY2hlbWEtbmFtZVwiOlwieW91cmRiXCIsXCJ0YWJsZS1uYW1lXCI6XCJjYXRlZ29yeVwifSxcInRhcmdldC10YWJsZS1uYW1lXCI6XCJtaWdyYXRpb24tdGFyZ2V0LXRhYmxlXCIsXCJtYXBwaW5nLXBhcmFtZXRlcnNcIjp7XCJwYXJ0aXRpb24ta2V5LW5hbWVcIjpcInBrXCIsXCJzb3J0LWtleS1uYW1lXCI6XCJza1wiLFwiYXR0cmlidXRlLW1hcHBpbmdzXCI6W3tcInRhcmdldC1hdHRyaWJ1dGUtbmFtZVwiOlwicGtcIixcImF0dHJpYnV0ZS10eXBlXCI6XCJzY2FsYXJcIixcImF0dHJpYnV0ZS1zdWItdHlwZVwiOlwic3RyaW5nXCIsXCJ2YWx1ZVwiOlwiQ0FURUdPUlkjJCR7Y2F0ZWdvcnlfaWR9XCJ9LHtcInRhcmdldC1hdHRyaWJ1dGUtbmFtZVwiOlwic2tcIixcImF0dHJpYnV0ZS10eXBlXCI6XCJzY2FsYXJcIixcImF0dHJpYnV0ZS1zdWItdHlwZVwiOlwic3RyaW5nXCIsXCJ2YWx1ZVwiOlwiI01FVEFEQVRBXCJ9XX19LHtcInJ1bGUtdHlwZVwiOlwib2JqZWN0LW1hcHBpbmdcIixcInJ1bGUtaWRcIjpcIjE0XCIsXCJydWxlLW5hbWVcIjpcIm1hcC1jdXN0b21lclwiLFwicnVsZS1hY3Rpb25cIjpcIm1hcC1yZWNvcmQtdG8tcmVjb3JkXCIsXCJvYmplY3QtbG9jYXRvclwiOntcInNjaGVtYS1uYW1lXCI6XCJ5b3VyZGJcIixcInRhYmxlLW5hbWVcIjpcImN1c3RvbWVyXCJ9LFwidGFyZ2V0LXRhYmxlLW5hbWVcIjpcIm1pZ3JhdGlvbi10YXJnZXQtdGFibGVcIixcIm1hcHBpbmctcGFyYW1ldGVyc1wiOntcInBhcnRpdGlvbi1rZXktbmFtZVwiOlwicGtcIixcInNvcnQta2V5LW5hbWVcIjpcInNrXCIsXCJhdHRyaWJ1dGUtbWFwcGluZ3NcIjpbe1widGFyZ2V0LWF0dHJpYnV0ZS1uYW1lXCI6XCJwa1wiLFwiYXR0cmlidXRlLXR5cGVcIjpcInNjYWxhclwiLFwiYXR0cmlidXRlLXN1Yi10eXBlXCI6XCJzdHJpbmdcIixcInZhbHVlXCI6XCJDVVNUT01FUiMkJHtjdXN0b21lcl9pZH1cIn0se1widGFyZ2V0LWF0dHJpYnV0ZS1uYW1lXCI6XCJza1wiLFwiYXR0cmlidXRlLXR5cGVcIjpcInNjYWxhclwiLFwiYXR0cmlidXRlLXN1Yi10eXBlXCI6XCJzdHJpbmdcIixcInZhbHVlXCI6XCIjTUVUQURBVEFcIn1dfX0se1wicnVsZS10eXBlXCI6XCJvYmplY3QtbWFwcGluZ1wiLFwicnVsZS1pZFwiOlwiMTVcIixcInJ1bGUtbmFtZVwiOlwibWFwLWZpbG0tYWN0b3JcIixcInJ1bGUtYWN0aW9uXCI6XCJtYXAtcmVjb3JkLXRvLXJlY29yZFwiLFwib2JqZWN0LWxvY2F0b3JcIjp7XCJzY2hlbWEtbmFtZVwiOlwieW91cmRiXCIsXCJ0YWJsZS1uYW1lXCI6XCJmaWxtX2FjdG9yXCJ9LFwidGFyZ2V0LXRhYmxlLW5hbWVcIjpcIm1pZ3JhdGlvbi10YXJnZXQtdGFibGVcIixcIm1hcHBpbmctcGFyYW1ldGVyc1wiOntcInBhcnRpdGlvbi1rZXktbmFtZVwiOlwicGtcIixcInNvcnQta2V5LW5hbWVcIjpcInNrXCIsXCJhdHRyaWJ1dGUtbWFwcGluZ3NcIjpbe1widGFyZ2V0LWF0dHJpYnV0ZS1uYW1lXCI6XCJwa1wiLFwiYXR0cmlidXRlLXR5cGVcIjpcInNjYWxhclwiLFwiYXR0cmlidXRlLXN1Yi10eXBlXCI6XCJzdHJpbmdcIixcInZhbHVlXCI6XCJGSUxNIyQke2ZpbG1faWR9XCJ9LHtcInRhcmdldC1hdHRyaWJ1dGUtbmFtZVwiOlwic2tcIixcImF0dHJpYnV0ZS10eXBlXCI6XCJzY2FsYXJcIixcImF0dHJpYnV0ZS1zdWItdHlwZVwiOlwic3RyaW5nXCIsXCJ2YWx1ZVwiOlwiQUNUT1IjJCR7YWN0b3JfaWR9XCJ9LHtcInRhcmdldC1hdHRyaWJ1dGUtbmFtZVwiOlwiZ3NpMXBrXCIsXCJhdHRyaWJ1dGUtdHlwZVwiOlwic2NhbGFyXCIsXCJhdHRyaWJ1dGUtc3ViLXR5cGVcIjpcInN0cmluZ1wiLFwidmFsdWVcIjpcIkFDVE9SIyQke2FjdG9yX2lkfVwifSx7XCJ0YXJnZXQtYXR0cmlidXRlLW5hbWVcIjpcImdzaTFza1wiLFwiYXR0cmlidXRlLXR5cGVcIjpcInNjYWxhclwiLFwiYXR0cmlidXRlLXN1Yi10eXBlXCI6XCJzdHJpbmdcIixcInZhbHVlXCI6XCJGSUxNIyQke2ZpbG1faWR9XCJ9XX19LHtcInJ1bGUtdHlwZVwiOlwib2JqZWN0LW1hcHBpbmdcIixcInJ1bGUtaWRcIjpcIjE2XCIsXCJydWxlLW5hbWVcIjpcIm1hcC1maWxtLWNhdGVnb3J5XCIsXCJydWxlLWFjdGlvblwiOlwibWFwLXJlY29yZC10by1yZWNvcmRcIixcIm9iamVjdC1sb2NhdG9yXCI6e1wic2NoZW1hLW5hbWVcIjpcInlvdXJkYlwiLFwidGFibGUtbmFtZVwiOlwiZmlsbV9jYXRlZ29yeVwifSxcInRhcmdldC10YWJsZS1uYW1lXCI6XCJtaWdyYXRpb24tdGFyZ2V0LXRhYmxlXCIsXCJtYXBwaW5nLXBhcmFtZXRlcnNcIjp7XCJwYXJ0aXRpb24ta2V5LW5hbWVcIjpcInBrXCIsXCJzb3J0LWtleS1uYW1lXCI6XCJza1wiLFwiYXR0cmlidXRlLW1hcHBpbmdzXCI6W3tcInRhcmdldC1hdHRyaWJ1dGUtbmFtZVwiOlwicGtcIixcImF0dHJpYnV0ZS10eXBlXCI6XCJzY2FsYXJcIixcImF0dHJpYnV0ZS1zdWItdHlwZVwiOlwic3RyaW5nXCIsXCJ2YWx1ZVwiOlwiRklMTSMkJHtmaWxtX2lkfVwifSx7XCJ0YXJnZXQtYXR0cmlidXRlLW5hbWVcIjpcInNrXCIsXCJhdHRyaWJ1dGUtdHlwZVwiOlwic2NhbGFyXCIsXCJhdHRyaWJ1dGUtc3ViLXR5cGVcIjpcInN0cmluZ1wiLFwidmFsdWVcIjpcIkNBVEVHT1JZIyQke2NhdGVnb3J5X2lkfVwifSx7XCJ0YXJnZXQtYXR0cmlidXRlLW5hbWVcIjpcImdzaTFwa1wiLFwiYXR0cmlidXRlLXR5cGVcIjpcInNjYWxhclwiLFwiYXR0cmlidXRlLXN1Yi10eXBlXCI6XCJzdHJpbmdcIixcInZhbHVlXCI6XCJDQVRFR09SWSMkJHtjYXRlZ29yeV9pZH1cIn0se1widGFyZ2V0LWF0dHJpYnV0ZS1uYW1lXCI6XCJnc2kxc2tcIixcImF0dHJpYnV0ZS10eXBlXCI6XCJzY2FsYXJcIixcImF0dHJpYnV0ZS1zdWItdHlwZVwiOlwic3RyaW5nXCIsXCJ2YWx1ZVwiOlwiRklMTSMkJHtmaWxtX2lkfVwifV19fSx7XCJydWxlLXR5cGVcIjpcIm9iamVjdC1tYXBwaW5nXCIsXCJydWxlLWlkXCI6XCIxN1wiLFwicnVsZS1uYW1lXCI6XCJtYXAtcmVudGFsXCIsXCJydWxlLWFjdGlvblwiOlwibWFwLXJlY29yZC10by1yZWNvcmRcIixcIm9iamVjdC1sb2NhdG9yXCI6e1wic2NoZW1hLW5hbWVcIjpcInlvdXJkYlwiLFwidGFibGUtbmFtZVwiOlwicmVudGFsXCJ9LFwidGFyZ2V0LXRhYmxlLW5hbWVcIjpcIm1pZ3JhdGlvbi10YXJnZXQtdGFibGVcIixcIm1hcHBpbmctcGFyYW1ldGVyc1wiOntcInBhcnRpdGlvbi1rZXktbmFtZVwiOlwicGtcIixcInNvcnQta2V5LW5hbWVcIjpcInNrXCIsXCJhdHRyaWJ1dGUtbWFwcGluZ3NcIjpbe1widGFyZ2V0LWF0dHJpYnV0ZS1uYW1lXCI6XCJwa1wiLFwiYXR0cmlidXRlLXR5cGVcIjpcInNjYWxhclwiLFwiYXR0cmlidXRlLXN1Yi10eXBlXCI6XCJzdHJpbmdcIixcInZhbHVlXCI6XCJDVVNUT01FUiMkJHtjdXN0b21lcl9pZH1cIn0se1widGFyZ2V0LWF0dHJpYnV0ZS1uYW1lXCI6XCJza1wiLFwiYXR0cmlidXRlLXR5cGVcIjpcInNjYWxhclwiLFwiYXR0cmlidXRlLXN1Yi10eXBlXCI6XCJzdHJpbmdcIixcInZhbHVlXCI6XCJSRU5UQUwjJCR7cmVudGFsX2lkfVwifSx7XCJ0YXJnZXQtYXR0cmlidXRlLW5hbWVcIjpcImdzaTJwa1wiLFwiYXR0cmlidXRlLXR5cGVcIjpcInNjYWxhclwiLFwiYXR0cmlidXRlLXN1Yi10eXBlXCI6XCJzdHJpbmdcIixcInZhbHVlXCI6XCJJTlZFTlRPUlkjJCR7aW52ZW50b3J5X2lkfVwifSx7XCJ0YXJnZXQtYXR0cmlidXRlLW5hbWVcIjpcImdzaTJza1wiLFwiYXR0cmlidXRlLXR5cGVcIjpcInNjYWxhclwiLFwiYXR0cmlidXRlLXN1Yi10eXBlXCI6XCJzdHJpbmdcIixcInZhbHVlXCI6XCJSRU5UQUwjJCR7cmVudGFsX2lkfVwifV19fV19IgogICB9CiAgfSwKICAiYXdzX2R5bmFtb2RiX3RhYmxlIjogewogICAidGFibGUiOiB7CiAgICAiYXR0cmlidXRlIjogWwogICAgIHsKICAgICAgIm5hbWUiOiAicGsiLAogICAgICAidHlwZSI6ICJTIgogICAgIH0sCiAgICAgewogICAgICAibmFtZSI6ICJzayIsCiAgICAgICJ0eXBlIjogIlMiCiAgICAgfSwKICAgICB7CiAgICAgICJuYW1lIjogImdzaTFwayIsCiAgICAgICJ0eXBlIjogIlMiCiAgICAgfSwKICAgICB7CiAgICAgICJuYW1lIjogImdzaTFzayIsCiAgICAgICJ0eXBlIjogIlMiCiAgICAgfSwKICAgICB7CiAgICAgICJuYW1lIjogImdzaTJwayIsCiAgICAgICJ0eXBlIjogIlMiCiAgICAgfSwKICAgICB7CiAgICAgICJuYW1lIjogImdzaTJzayIsCiAgICAgICJ0eXBlIjogIlMiCiAgICAgfQogICAgXSwKICAgICJnbG9iYWxfc2Vjb25kYXJ5X2luZGV4IjogWwogICAgIHsKICAgICAgImhhc2hfa2V5IjogImdzaTFwayIsCiAgICAgICJuYW1lIjogIkdTSTEiLAogICAgICAicHJvamVjdGlvbl90eXBlIjogIkFMTCIsCiAgICAgICJyYW5nZV9rZXkiOiAiZ3NpMXNrIgogICAgIH0sCiAgICAgewogICAgICAiaGFzaF9rZXkiOiAiZ3NpMnBrIiwKICAgICAgIm5hbWUiOiAiR1NJMiIsCiAgICAgICJwcm9qZWN0aW9uX3R5cGUiOiAiQUxMIiwKICAgICAgInJhbmdlX2tleSI6ICJnc2kyc2siCiAgICAgfQogICAgXSwKICAgICJoYXNoX2tleSI6ICJwayIsCiAgICAibmFtZSI6ICJtaWdyYXRpb24tdGFyZ2V0LXRhYmxlIiwKICAgICJyYW5nZV9rZXkiOiAic2siCiAgIH0KICB9CiB9Cn0="
  key                    = "dms-dynamodb/sakila-verify/plan.tf.json"
  kms_key_id             = "${aws_kms_key.Key_961B73FD.arn}"
  server_side_encryption = "aws:kms"
}
resource "aws_s3_object" "ExportVerify_Package_8985BD04" {
  bucket                 = "${var.verify_assets_bucket}"
  key                    = "dms-dynamodb/sakila-verify/dms_dynamodb.zip"
  kms_key_id             = "${aws_kms_key.Key_961B73FD.arn}"
  server_side_encryption = "aws:kms"
  source                 = "assets/ExportVerify_PackageAsset_1A1B7E5E/<package hash>/dms_dynamodb-<code digest>.zip"
  source_hash            = "<package hash>"
}
data "aws_iam_policy_document" "ExportVerify_TrustPolicy_4A2A81E6" {
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
        "glue.amazonaws.com"
      ]
      type = "Service"
    }
  }
}
resource "aws_iam_role" "ExportVerify_Role_072A8283" {
  assume_role_policy = "${data.aws_iam_policy_document.ExportVerify_TrustPolicy_4A2A81E6.json}"
  description        = "Glue verify job sakila-verify: reads the export and the source, writes reports"
  name               = "sakila-verify-glue"
}
data "aws_iam_policy_document" "ExportVerify_PolicyDocument_DA34F35F" {
  statement {
    actions = [
      "s3:GetObject"
    ]
    resources = [
      "arn:${data.aws_partition.AccountContext_partition_67B31C2B.partition}:s3:::${var.verify_assets_bucket}/dms-dynamodb/sakila-verify/*",
      "arn:${data.aws_partition.AccountContext_partition_67B31C2B.partition}:s3:::${replace(var.jdbc_driver_s3_uri, "s3://", "")}",
      "arn:${data.aws_partition.AccountContext_partition_67B31C2B.partition}:s3:::${replace(var.ca_bundle_s3_uri, "s3://", "")}"
    ]
    sid = "ReadAssets"
  }
  statement {
    actions = [
      "s3:ListBucket"
    ]
    resources = [
      "arn:${data.aws_partition.AccountContext_partition_67B31C2B.partition}:s3:::${var.export_bucket}"
    ]
    sid = "ListExports"
    condition {
      test = "StringLike"
      values = [
        "*"
      ]
      variable = "s3:prefix"
    }
  }
  statement {
    actions = [
      "s3:GetObject"
    ]
    resources = [
      "arn:${data.aws_partition.AccountContext_partition_67B31C2B.partition}:s3:::${var.export_bucket}/*"
    ]
    sid = "ReadExports"
  }
  statement {
    actions = [
      "s3:PutObject"
    ]
    resources = [
      "arn:${data.aws_partition.AccountContext_partition_67B31C2B.partition}:s3:::${var.export_bucket}/verify-reports/*"
    ]
    sid = "WriteReports"
  }
  statement {
    actions = [
      "kms:Decrypt",
      "kms:Encrypt",
      "kms:GenerateDataKey*",
      "kms:DescribeKey"
    ]
    resources = [
      "${aws_kms_key.Key_961B73FD.arn}"
    ]
    sid = "UseMigrationKey"
  }
  statement {
    actions = [
      "logs:CreateLogGroup",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "logs:AssociateKmsKey"
    ]
    resources = [
      "arn:${data.aws_partition.AccountContext_partition_67B31C2B.partition}:logs:${data.aws_region.AccountContext_region_565574B7.region}:${data.aws_caller_identity.AccountContext_caller_495D69AA.account_id}:log-group:/aws-glue/*",
      "arn:${data.aws_partition.AccountContext_partition_67B31C2B.partition}:logs:${data.aws_region.AccountContext_region_565574B7.region}:${data.aws_caller_identity.AccountContext_caller_495D69AA.account_id}:log-group:/aws-glue/*:*"
    ]
    sid = "Logs"
  }
  statement {
    actions = [
      "glue:GetConnection"
    ]
    resources = [
      "arn:${data.aws_partition.AccountContext_partition_67B31C2B.partition}:glue:${data.aws_region.AccountContext_region_565574B7.region}:${data.aws_caller_identity.AccountContext_caller_495D69AA.account_id}:catalog",
      "arn:${data.aws_partition.AccountContext_partition_67B31C2B.partition}:glue:${data.aws_region.AccountContext_region_565574B7.region}:${data.aws_caller_identity.AccountContext_caller_495D69AA.account_id}:connection/sakila-verify-network"
    ]
    sid = "ReadConnection"
  }
  statement {
    actions = [
      "ec2:CreateNetworkInterface",
      "ec2:DeleteNetworkInterface",
      "ec2:CreateTags",
      "ec2:DeleteTags"
    ]
    resources = [
      "arn:${data.aws_partition.AccountContext_partition_67B31C2B.partition}:ec2:${data.aws_region.AccountContext_region_565574B7.region}:${data.aws_caller_identity.AccountContext_caller_495D69AA.account_id}:network-interface/*",
      "arn:${data.aws_partition.AccountContext_partition_67B31C2B.partition}:ec2:${data.aws_region.AccountContext_region_565574B7.region}:${data.aws_caller_identity.AccountContext_caller_495D69AA.account_id}:subnet/${element(var.private_subnet_ids, 0)}",
      "arn:${data.aws_partition.AccountContext_partition_67B31C2B.partition}:ec2:${data.aws_region.AccountContext_region_565574B7.region}:${data.aws_caller_identity.AccountContext_caller_495D69AA.account_id}:security-group/${aws_security_group.ExportVerify_SecurityGroup_8666FC9C.id}"
    ]
    sid = "ConnectionNetworkInterfaces"
  }
}
resource "aws_iam_role_policy" "ExportVerify_Policy_4A9FCDF0" {
  name   = "verify-job"
  policy = "${data.aws_iam_policy_document.ExportVerify_PolicyDocument_DA34F35F.json}"
  role   = "${aws_iam_role.ExportVerify_Role_072A8283.id}"
}
resource "aws_iam_role_policy" "ExportVerify_DescribeNetworkPolicy_4FC80640" {
  name   = "verify-job-describe-network"
  policy = "{\"Statement\": [{\"Action\": [\"ec2:DescribeNetworkInterfaces\", \"ec2:DescribeRouteTables\", \"ec2:DescribeSecurityGroups\", \"ec2:DescribeSubnets\", \"ec2:DescribeVpcAttribute\", \"ec2:DescribeVpcEndpoints\"], \"Effect\": \"Allow\", \"Resource\": \"*\", \"Sid\": \"DescribeNetwork\"}], \"Version\": \"2012-10-17\"}"
  role   = "${aws_iam_role.ExportVerify_Role_072A8283.id}"
}
resource "aws_glue_job" "ExportVerify_C95185E8" {
  connections = [
    "${aws_glue_connection.ExportVerify_Connection_EB34F7BA.name}"
  ]
  default_arguments = {
    --job-language                     = "python"
    --plan                             = "s3://${var.verify_assets_bucket}/dms-dynamodb/sakila-verify/plan.tf.json"
    --source-secret-arn                = "${aws_secretsmanager_secret.Source_DmsUserSecret_32394B4D.arn}"
    --ssl-ca                           = "${var.ca_bundle_s3_uri}"
    --database                         = "yourdb"
    --extra-py-files                   = "s3://${var.verify_assets_bucket}/dms-dynamodb/sakila-verify/dms_dynamodb.zip"
    --extra-jars                       = "${var.jdbc_driver_s3_uri}"
    --enable-continuous-cloudwatch-log = "true"
  }
  description            = "dms-dynamodb verify --export --engine spark: task sakila"
  glue_version           = "5.0"
  max_retries            = 0
  name                   = "sakila-verify"
  number_of_workers      = 2
  role_arn               = "${aws_iam_role.ExportVerify_Role_072A8283.arn}"
  security_configuration = "${aws_glue_security_configuration.ExportVerify_SecurityConfiguration_AAF15658.name}"
  timeout                = 120
  worker_type            = "G.1X"
  command {
    name            = "glueetl"
    python_version  = "3"
    script_location = "s3://${var.verify_assets_bucket}/dms-dynamodb/sakila-verify/verify_job.py"
  }
  execution_property {
    max_concurrent_runs = 1
  }
  depends_on = [
    "aws_iam_role_policy.ExportVerify_Policy_4A9FCDF0",
    "aws_iam_role_policy.Source_ReadSecretPolicy_562B6B10",
    "aws_s3_object.ExportVerify_Script_F707FECD",
    "aws_s3_object.ExportVerify_Plan_81E8A306",
    "aws_s3_object.ExportVerify_Package_8985BD04",
  ]
}

output "verify_job_name" {
  value       = "${aws_glue_job.ExportVerify_C95185E8.name}"
  description = "aws glue start-job-run --job-name"
}