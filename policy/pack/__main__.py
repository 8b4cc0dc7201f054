"""`pulumi preview --policy-pack policy/pack`: the rules live in the installed package pulumi_idcs_policy."""

from pulumi_idcs_policy.pack import serve

serve()
