"""pulumi-idcs: manage Oracle IDCS app token lifetimes from Pulumi programs, and prove refresh grants work.

    import pulumi_idcs as idcs
    idcs.AppTokenExpiry("mobile-app", app_name="3fd7...", access_token_expiry="1h", refresh_token_expiry="7d")
"""

from . import mosaic
from .app_token_expiry import AppTokenExpiry, AppTokenExpiryArgs
from .refresh_grant_check import RefreshGrantCheck, RefreshGrantCheckError

__all__ = ["AppTokenExpiry", "AppTokenExpiryArgs", "RefreshGrantCheck", "RefreshGrantCheckError", "mosaic"]
