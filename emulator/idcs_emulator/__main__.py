"""`python -m idcs_emulator --port 8943`: run the emulator in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import json

from .domain import Domain
from .generate import with_generated_apps
from .server import EmulatorServer


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="idcs-emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback by default)")
    parser.add_argument("--port", type=int, default=8943, help="port (0 picks a free one)")
    parser.add_argument("--seed", help="JSON file with adminClients and apps (default: the demo domain)")
    parser.add_argument("--apps", type=int, default=0, help="add this many generated apps (bench-app-0000, ...)")
    parser.add_argument("--tls-cert", help="serve https with this PEM certificate (and --tls-key)")
    parser.add_argument("--tls-key", help="the certificate's PEM private key")
    parser.add_argument("--faults", help="JSON fault spec to start with (see docs: latencyMs, rateLimit, queue)")
    args = parser.parse_args(argv)
    domain = Domain.from_file(args.seed)
    if args.apps:
        domain = Domain(with_generated_apps(domain.seed, args.apps))
    tls = (args.tls_cert, args.tls_key) if args.tls_cert else None
    emu = EmulatorServer(domain, host=args.host, port=args.port, tls=tls)
    if args.faults:
        emu.set_faults(json.loads(args.faults))
    clients = ", ".join(emu.domain.admin_clients)
    print(f"IDCS emulator listening on {emu.url} (admin clients: {clients}; {len(emu.domain.apps)} apps)",
          flush=True)
    try:
        emu.httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        emu.httpd.server_close()


if __name__ == "__main__":
    main()
