"""The provider side of pulumi-idcs, in layers, each importing only the ones before it (docs/design.md, "Layers"):

    errors, spelling, durations, scim, settings     foundations: messages, values, connection settings
    pacing, transport                                 HTTP: pacing, retries, replay safety
    auth                                              bearer tokens (renewed on 401), OCI signing
    app_reads, client, mosaic_client, token_exchange  API clients
    stack_config                                      the settings of a run, resolved once
    type_tokens, models, verdict, adopting, ownership resource definitions and what both doors share
    app_token_expiry, mosaic_timeouts,
    refresh_grant_check                               the resources (the dynamic door's providers)
    plugin/                                           the native plugin's door
"""
