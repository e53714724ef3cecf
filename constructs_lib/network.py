"""What DMS needs to reach AWS APIs from private subnets, or a clear refusal.

The article puts DMS in PRIVATE_ISOLATED subnets, which cannot reach DynamoDB or Secrets Manager
without a NAT gateway. With ``NetworkProps(nat=False, route_table_ids=...)`` the pipeline adds a
DynamoDB gateway endpoint and a Secrets Manager interface endpoint (reachable only from the DMS
security group); DMS Serverless always needs both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from constructs import Construct

from constructs_lib.account import AccountContext
from constructs_lib.aws import SecurityGroup, VpcEndpoint, VpcSecurityGroupEgressRule, VpcSecurityGroupIngressRule
from constructs_lib.terraform import literal

HTTPS = 443


@dataclass(frozen=True, kw_only=True)
class NetworkProps:
    """How the replication subnets reach AWS. Default: through a NAT gateway, no endpoints."""

    #: The replication subnets route to the internet through NAT. False: isolated subnets.
    nat: bool = True
    #: Route tables of the replication subnets (for the DynamoDB gateway endpoint).
    route_table_ids: Sequence[str] = ()
    #: Add the VPC endpoints even with NAT. Default: - only when isolated (or for DMS Serverless).
    vpc_endpoints: bool | None = None

    def needs_endpoints(self, serverless: bool) -> bool:
        return self.vpc_endpoints if self.vpc_endpoints is not None else (not self.nat or serverless)

    def problems(self, serverless: bool) -> list[str]:
        if serverless and self.vpc_endpoints is False:
            return [
                "NetworkProps.vpc_endpoints: DMS Serverless reaches DynamoDB and Secrets Manager only through VPC "
                "endpoints; leave vpc_endpoints unset or True"
            ]
        if self.needs_endpoints(serverless) and not self.route_table_ids:  # a Terraform list variable is non-empty
            why = "DMS Serverless needs" if serverless and self.nat else "isolated subnets (nat=False) need"
            return [
                f"NetworkProps.route_table_ids: {why} a DynamoDB gateway endpoint, which attaches to the "
                "subnets' route tables; give their ids (the Secrets Manager interface endpoint is added too), or use "
                "subnets with a NAT gateway"
            ]
        return []


class ServiceEndpoints(Construct):
    """Defines the DynamoDB gateway and Secrets Manager interface endpoints for DMS, and DMS's egress to them."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        identifier: str,
        vpc_id: str,
        subnet_ids: Sequence[str],
        route_table_ids: Sequence[str],
        dms_security_group: SecurityGroup,
    ) -> None:
        super().__init__(scope, id)
        context = AccountContext.of(self)
        self.dynamodb = VpcEndpoint(
            self,
            "DynamoDb",
            vpc_id=vpc_id,
            service_name=f"com.amazonaws.{context.region}.dynamodb",
            vpc_endpoint_type="Gateway",
            route_table_ids=list(route_table_ids),
            tags={"Name": f"{identifier}-dynamodb"},
        )
        self.security_group = SecurityGroup(
            self,
            "SecurityGroup",
            name=f"{identifier}-endpoints",
            vpc_id=vpc_id,
            description=literal(f"Secrets Manager endpoint for DMS {identifier}: 443 from DMS only"),
        )
        VpcSecurityGroupIngressRule(
            self,
            "FromDms",
            security_group_id=self.security_group.id,
            referenced_security_group_id=dms_security_group.id,
            ip_protocol="tcp",
            from_port=HTTPS,
            to_port=HTTPS,
            description="HTTPS from DMS",
        )
        self.secrets_manager = VpcEndpoint(
            self,
            "SecretsManager",
            vpc_id=vpc_id,
            service_name=f"com.amazonaws.{context.region}.secretsmanager",
            vpc_endpoint_type="Interface",
            subnet_ids=list(subnet_ids),
            private_dns_enabled=True,
            security_group_ids=[self.security_group.id],
            tags={"Name": f"{identifier}-secretsmanager"},
        )
        VpcSecurityGroupEgressRule(
            self,
            "DmsToDynamoDb",
            security_group_id=dms_security_group.id,
            prefix_list_id=self.dynamodb.prefix_list_id,
            ip_protocol="tcp",
            from_port=HTTPS,
            to_port=HTTPS,
            description="DynamoDB through the gateway endpoint",
        )
        VpcSecurityGroupEgressRule(
            self,
            "DmsToSecretsManager",
            security_group_id=dms_security_group.id,
            referenced_security_group_id=self.security_group.id,
            ip_protocol="tcp",
            from_port=HTTPS,
            to_port=HTTPS,
            description="Secrets Manager through the interface endpoint",
        )
