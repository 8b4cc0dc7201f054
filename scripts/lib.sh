# Shared by scripts/demo and scripts/gate-local: a local emulator and a fresh stack of an example against it.
# Source it after `root` is set; it sets `state`, `url` and the Pulumi environment.

start_emulator_stack() {  # $1: state dir name, $2: example dir
  state="$root/.state/$1"
  rm -rf "$state" && mkdir -p "$state/backend" "$state/home"
  export PATH="$HOME/.pulumi/bin:$PATH"
  export PULUMI_BACKEND_URL="file://$state/backend" PULUMI_HOME="$state/home"
  export PULUMI_CONFIG_PASSPHRASE=demo-passphrase PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DIY_BACKEND_NO_LEGACY_WARNING=true

  "$root/.venv/bin/python" -m idcs_emulator --port 0 > "$state/emulator.log" 2>&1 &
  emulator=$!
  trap 'kill $emulator 2>/dev/null || true' EXIT
  for _ in $(seq 50); do grep -q "listening on" "$state/emulator.log" 2>/dev/null && break; sleep 0.1; done
  url=$(grep -o 'http://[0-9.:]*' "$state/emulator.log" | head -1)
  [ -n "$url" ] || { echo "the emulator did not start:"; cat "$state/emulator.log"; exit 3; }
  echo "== IDCS emulator at $url"

  cd "$root/$2"
  rm -f "Pulumi.$1.yaml"  # the stack file of an earlier run belongs to a backend that is gone
  pulumi stack init "$1" >/dev/null
  pulumi config set idcs:domainUrl "$url"
  pulumi config set idcs:clientId idcs-admin-client
  pulumi config set --secret idcs:clientSecret emulator-admin-secret-0004
}
