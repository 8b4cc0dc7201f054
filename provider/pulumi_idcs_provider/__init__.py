"""The provider side of pulumi-idcs: HTTP client, models and diff, and the dynamic providers.

Layers, each importing only the ones before it: durations/scim/errors/settings -> models -> client ->
app_token_expiry (the dynamic provider).
"""
