# Shared by the project's scripts. Source it after `root` is set.

# use_pulumi [PART...]: set everything up (scripts/setup, with the PARTs asked for: yaml, nodejs, go) and put the
# chosen CLI first on PATH, for this script only. PULUMI_HOME (where every pulumi command writes logs, plugins and
# credentials) is the project's own too.
use_pulumi() {
  PULUMI_IDCS_CLI_BIN=$("$root/scripts/setup" "$@")
  export PULUMI_IDCS_CLI_BIN PATH="$PULUMI_IDCS_CLI_BIN:$PATH" PULUMI_HOME="$root/.state/pulumi-home"
}

# start_emulator_stack DIR EXAMPLE: a local emulator and a fresh stack of an example against it, state under
# .state/DIR. Sets `state` and `url`, the Pulumi environment, and a trap that stops the emulator.
start_emulator_stack() {
  state="$root/.state/$1"
  rm -rf "$state" && mkdir -p "$state/backend" "$state/home"
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
