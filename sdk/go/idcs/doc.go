// Adopt existing Oracle IDCS (OCI IAM identity domain) apps and Transmit Mosaic OIDC clients and manage their token lifetimes only; prove that refresh grants still work.
package idcs
