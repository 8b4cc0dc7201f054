"""pulumi-idcs: the whole-domain tools (discover, audit) and the gate, as one command."""
