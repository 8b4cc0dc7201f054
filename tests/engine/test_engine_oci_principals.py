"""`pulumi up` with no stored secret, through the real CLI: examples/basic (the dynamic door) and a YAML program
(the plugin) authenticated by a session token, a resource principal, and workload identity federation, against
the emulator, which verifies each request offline; and a bad signature refused at preview, with nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ADMIN_ID, ADMIN_SECRET, MOBILE, RESOURCE_OWNER
from engine import new_stack, open_stack, yaml_stack
from idcs_emulator import EmulatorServer
from oci_fixtures import federation, new_key, pem, session_profile
from pulumi import automation as auto


def signed_in(emu: EmulatorServer, tmp: Path, method: str) -> tuple[dict[str, tuple[str, bool]], dict[str, str]]:
    """(stack config, environment) of a pipeline that signs in with `method`."""
    config: dict[str, tuple[str, bool]] = {"idcs:domainUrl": (emu.url, False), "idcs:authMethod": (method, False)}
    env: dict[str, str] = {}
    if method == "oci-session-token":
        config["idcs:ociConfigFile"] = (str(session_profile(emu, tmp)), False)
        config["idcs:ociProfile"] = ("SESSION", False)
    elif method == "oci-resource-principal":  # what OCI DevOps puts in a build's environment
        key = new_key()
        env = {"OCI_RESOURCE_PRINCIPAL_VERSION": "2.2", "OCI_RESOURCE_PRINCIPAL_REGION": "eu-frankfurt-1",
               "OCI_RESOURCE_PRINCIPAL_RPST": emu.oci_tokens.mint(pem(key), "resource_principal", "pipeline"),
               "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM": pem(key, private=True)}
    else:
        federation(emu, tmp)
        config.update({"idcs:ociFederationTokenFile": (str(tmp / "oidc-token"), False),
                       "idcs:clientId": (ADMIN_ID, False), "idcs:clientSecret": (ADMIN_SECRET, True)})
    return config, env


@pytest.mark.parametrize("method", ["oci-session-token", "oci-resource-principal",
                                    "oci-workload-identity-federation"])
def test_up_signs_in_with_no_stored_secret(tmp_path: Path, emulator: EmulatorServer, method: str) -> None:
    config, env = signed_in(emulator, tmp_path, method)
    stack = open_stack(tmp_path, config, env)
    stack.up()
    assert emulator.domain.apps[RESOURCE_OWNER]["accessTokenExpiry"] == 7200
    kinds = {r["body"]["grant_type"] for r in emulator.requests_of("token")}
    assert kinds <= {"urn:ietf:params:oauth:grant-type:token-exchange"}  # never an admin client's token
    stack.preview(expect_no_changes=True)
    stack.destroy()


def test_through_the_plugin_and_a_bad_signature_is_refused_at_preview(tmp_path: Path,
                                                                      emulator: EmulatorServer) -> None:
    program = ("name: idcs-session\nruntime: yaml\nplugins:\n  providers:\n    - name: idcs\n"
               "      path: ../../.venv/bin\nresources:\n  mobile:\n    type: idcs:index:AppTokenExpiry\n"
               f"    properties:\n      appId: {MOBILE}\n      accessTokenExpiry: 20m\n")
    config, _ = signed_in(emulator, tmp_path, "oci-session-token")
    stack = yaml_stack(tmp_path, program, config)
    stack.up()
    assert emulator.domain.apps[MOBILE]["accessTokenExpiry"] == 1200
    stack.destroy()

    forged = tmp_path / "forged"
    forged.mkdir()
    profile = session_profile(emulator, forged, signing_key=new_key())  # the token vouches for another key
    bad = new_stack(forged, Path(stack.workspace.work_dir), {
        "idcs:domainUrl": (emulator.url, False), "idcs:authMethod": ("oci-session-token", False),
        "idcs:ociConfigFile": (str(profile), False), "idcs:ociProfile": ("SESSION", False)})
    emulator.domain.change_app(MOBILE, {"accessTokenExpiry": 3600})
    emulator.clear_requests()
    with pytest.raises(auto.CommandError) as refused:
        bad.preview()
    assert "HTTP 401" in str(refused.value) and "the signature does not verify" in str(refused.value)
    assert not [r for r in emulator.requests_of() if r["method"] == "PATCH"]
