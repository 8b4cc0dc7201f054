# The two commands of the README; each does all set-up on a fresh machine.
.PHONY: demo test check gate dist acceptance

demo:  ## a real `pulumi up` of examples/basic against the local IDCS emulator
	scripts/demo

test:  ## lint, type-check and every test, real Pulumi engine included
	scripts/test

check:  ## the edit-test loop: lint, type-check and the in-process tests (tests/unit), under a minute warm
	scripts/check

gate:  ## what a pipeline runs (scripts/gate: policies, then drift), against the local emulator
	scripts/gate-local

dist:  ## everything a release publishes, into dist/: wheels, sdist, the Node.js tarball, the plugin archive
	scripts/dist

acceptance:  ## the scenarios through the real CLI against a real domain: IDCS_DOMAIN_URL, IDCS_CLIENT_ID, ... (docs/acceptance.md)
	scripts/acceptance
