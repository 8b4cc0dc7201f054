"""CrossGuard rules for token lifetimes: bounds on both expiries, refresh >= access, and (optional) a live
RefreshGrantCheck for every managed app. `rules` holds the logic, `pack` builds the pulumi-policy objects."""
