"""A stand-in for the two endpoints of HashiCorp Vault's transit engine that Pulumi's `hashivault://` secrets provider
calls, so that the engine tests' stacks need no passphrase.

Why: the passphrase provider derives its key with PBKDF2 (1,000,000 rounds of SHA-256, about 0.2 s of a core) in
every CLI run that reads or writes a secret or a state: `up`, `preview`, `destroy`, `stack output`... about 70 s of
CPU a suite. A cloud secrets provider instead keeps a random data key, wrapped by its key service, in the stack's
file (`encryptedkey`), and unwraps it with one request per run.

What it does not do is encrypt: it hands the data key back in base64, so any worker's stand-in unwraps any stack's
key. What the tests prove of secrets stands, as it is the engine's AES-256-GCM under that data key whatever the
provider; tests/engine/test_engine_secrets.py runs on the passphrase, as the demo and most users do.

Contract (docs/development.md cites it): POST or PUT /v1/transit/encrypt/<key> {"plaintext": base64} ->
{"data": {"ciphertext": "vault:v1:..."}}; /v1/transit/decrypt/<key> {"ciphertext": ...} -> {"data": {"plaintext":
base64}}; the token in the X-Vault-Token header.
"""

from __future__ import annotations

import functools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KEY = "pulumi-idcs-tests"
#: The secrets provider a test stack is created with.
PROVIDER = f"hashivault://{KEY}"
TOKEN = "stand-in-token"
PREFIX = "vault:v1:"


class _Transit(BaseHTTPRequestHandler):
    def do_PUT(self) -> None:  # the Vault client's write; Vault takes POST as well
        if self.headers.get("X-Vault-Token") != TOKEN:
            return self._answer(403, {"errors": ["permission denied"]})
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        if self.path == f"/v1/transit/encrypt/{KEY}" and isinstance(body.get("plaintext"), str):
            return self._answer(200, {"data": {"ciphertext": PREFIX + body["plaintext"]}})
        wrapped = body.get("ciphertext")
        if self.path == f"/v1/transit/decrypt/{KEY}" and isinstance(wrapped, str) and wrapped.startswith(PREFIX):
            return self._answer(200, {"data": {"plaintext": wrapped.removeprefix(PREFIX)}})
        return self._answer(400, {"errors": [f"not a transit request this stand-in serves: {self.path}"]})

    do_POST = do_PUT

    def _answer(self, status: int, payload: dict[str, object]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: a test's output is the CLI's."""


@functools.cache
def environment() -> dict[str, str]:
    """The environment the CLI needs to reach this process's stand-in, started on first use (a daemon thread)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Transit)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="vault-transit", daemon=True).start()
    return {"VAULT_SERVER_URL": f"http://127.0.0.1:{server.server_address[1]}", "VAULT_SERVER_TOKEN": TOKEN}
