"""What DMS needs to reach AWS APIs from private subnets, or a clear refusal.

The article puts DMS in PRIVATE_ISOLATED subnets, which cannot reach DynamoDB or Secrets Manager
without a NAT gateway. With ``NetworkProps(nat=False, route_table_ids=...)`` the pipeline adds a
DynamoDB gateway endpoint and a Secrets Manager interface endpoint (reachable only from the DMS
security group); DMS Serverless always needs both. Other workloads in those subnets (the Glue verify
job) ask for what they need on top: an S3 gateway endpoint (:meth:`ServiceEndpoints.s3_gateway`, made
on first use) and HTTPS into the interface endpoint from their own group
(:meth:`ServiceEndpoints.allow_https_from`, once per group, as grants are).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from constructs import Construct

from constructs_lib.account import AccountContext
from constructs_lib.aws import SecurityGroup, VpcEndpoint, VpcSecurityGroupEgressRule, VpcSecurityGroupIngressRule
from constructs_lib.grants import GrantsByGrantee, grantee_key
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
        self._identifier, self._vpc_id, self._route_table_ids = identifier, vpc_id, list(route_table_ids)
        self._s3: VpcEndpoint | None = None
        self._ingress: GrantsByGrantee[VpcSecurityGroupIngressRule] = GrantsByGrantee()
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
        # DMS is the first grantee: its rule keeps the id it always had ("FromDms")
        self._allow(dms_security_group.id, "FromDms", "HTTPS from DMS")
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

    def allow_https_from(self, security_group_id: str, *, description: str) -> VpcSecurityGroupIngressRule:
        """Let one more security group reach the interface endpoint on 443; once per group."""
        return self._allow(security_group_id, "HttpsFrom", description)

    def _allow(self, security_group_id: str, base_id: str, description: str) -> VpcSecurityGroupIngressRule:
        return self._ingress.get_or_make(
            grantee_key(self, security_group_id),
            lambda construct_id: VpcSecurityGroupIngressRule(
                self,
                construct_id(base_id),
                security_group_id=self.security_group.id,
                referenced_security_group_id=security_group_id,
                ip_protocol="tcp",
                from_port=HTTPS,
                to_port=HTTPS,
                description=literal(description),
            ),
        )

    def s3_gateway(self) -> VpcEndpoint:
        """The S3 gateway endpoint on the same route tables, defined on first use (DMS itself needs none)."""
        if self._s3 is None:
            self._s3 = VpcEndpoint(
                self,
                "S3",
                vpc_id=self._vpc_id,
                service_name=f"com.amazonaws.{AccountContext.of(self).region}.s3",
                vpc_endpoint_type="Gateway",
                route_table_ids=self._route_table_ids,
                tags={"Name": f"{self._identifier}-s3"},
            )
        return self._s3
