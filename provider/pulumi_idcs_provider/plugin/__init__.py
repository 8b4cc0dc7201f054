"""The native front door: `pulumi-resource-idcs`, a resource provider plugin that serves schema.json.

Every Pulumi language (Python, TypeScript, Go, YAML) and `pulumi import` reach the resources through it. It is a
thin adapter: each resource's rules live in the core modules (app_token_expiry, refresh_grant_check), shared with
the dynamic providers; this package only speaks the engine's gRPC protocol.

    wire      properties in and out (secrets, unknowns), detailed diffs, errors that carry state
    servicer  the ResourceProvider service: config, check, diff, create, read, update, delete
    server    the executable: start the service and tell the engine its port
"""
