"""The provider side of pulumi-idcs, in layers, each importing only the ones before it (docs/design.md, "Layers"):

    errors, spelling, durations, scim, settings     foundations: messages, values, connection settings
    pacing, transport                                 HTTP: pacing, retries, replay safety
    auth                                              bearer tokens (renewed on 401), OCI signing
    app_reads, client, mosaic_client, token_exchange  API clients
    stack_config, ownership, context                  the context of a configured provider: settings resolved
                                                      once, the ownership table, one client per connection
    type_tokens, definition, verdict, adopting,       the vocabulary of a resource's definition and what every
    implementation                                    implementation shares
    models (+ app_token_expiry), mosaic_timeouts,
    refresh_grant_check                               each resource: its definition and its implementation
    catalog, schema_gen                               every resource and setting; schema.json generated from them
    dynamic_door, plugin/                             the two front doors, mechanical over the implementations
"""
