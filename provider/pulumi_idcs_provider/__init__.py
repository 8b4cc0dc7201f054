"""The provider side of pulumi-idcs: the transport, the API clients, each resource's definition and operations, and
the two front doors over them. Its layers, each importing only the ones before it, are described once, in
docs/design.md ("Layers")."""
