"""The tool half: checks, HCL repair, rehearsal, load, verify, CDC and preflight, as ``dms-dynamodb``.

It reads stacks only from their synthesized Terraform JSON (``dms_dynamodb.stack``) and imports no
example stack, no cdktf and no jsii, so it works on any stack and starts in well under a second.
"""
