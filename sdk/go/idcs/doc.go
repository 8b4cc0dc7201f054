// Adopt existing Oracle IDCS (OCI IAM identity domain) apps and manage their token lifetimes only. Implemented as Python dynamic resources: the type tokens in state are pulumi-python:dynamic/idcs:<Name>.
package idcs
