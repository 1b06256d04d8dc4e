#!/usr/bin/env bash
# Fetches the real Apache ActiveMQ Artemis code the interop tests run against (test/interop/real-*):
#   - the runtime classpath of org.apache.activemq:artemis-server 2.9.0 (ranges layout) and 2.40.0
#     (files layout), written as <cache>/classpath-<version>.txt (jars stay in Maven's ~/.m2);
#   - the broker distribution org.apache.activemq:apache-artemis:2.40.0:tar.gz:bin, unpacked as
#     <cache>/apache-artemis-2.40.0.
# <cache> is $HA_TUI_INTEROP_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/ha-tui-interop (outside the repo).
# Idempotent: returns at once when everything is there. Maven runs offline first (-o), online only
# when something is missing. Without java or mvn it prints one line and exits 0 (the tests then skip).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${HA_TUI_INTEROP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ha-tui-interop}"
versions=(2.9.0 2.40.0)
dist_version=2.40.0
dist_home="$cache/apache-artemis-$dist_version"
dependency_plugin=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

for tool in java javac mvn; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "fetch-artemis: $tool not found; install a JDK and Maven (mvn) to run the real-Artemis tests"
		exit 0
	fi
done

mkdir -p "$cache"

# A classpath file is good when it exists and every jar it names is still in the Maven repository.
classpath_ok() {
	local file="$1" jar
	[[ -s "$file" ]] || return 1
	while IFS= read -r -d ':' jar; do
		[[ -f "$jar" ]] || return 1
	done < <(tr -d '\n' < "$file"; printf ':')
}

# mvn offline, then online; quiet unless it fails.
mvn_try() {
	local log
	log="$(mktemp)"
	if mvn -B -q -o "$@" >"$log" 2>&1 || mvn -B -q "$@" >"$log" 2>&1; then
		rm -f "$log"
		return 0
	fi

	echo "fetch-artemis: mvn $* failed:" >&2
	tail -n 30 "$log" >&2
	rm -f "$log"
	return 1
}

for version in "${versions[@]}"; do
	out="$cache/classpath-$version.txt"
	classpath_ok "$out" && continue
	echo "fetch-artemis: resolving artemis-server $version and its runtime dependencies (Maven)"
	# Written to a temporary name first: an interrupted run never leaves a half file behind.
	mvn_try -f "$root/test/interop/maven/$version/pom.xml" dependency:build-classpath \
		-Dmdep.includeScope=runtime -Dmdep.outputFile="$out.tmp"
	mv "$out.tmp" "$out"
done

if [[ ! -x "$dist_home/bin/artemis" ]]; then
	echo "fetch-artemis: fetching the apache-artemis $dist_version distribution (Maven) and unpacking it"
	download="$(mktemp -d "$cache/download.XXXXXX")"
	trap 'rm -rf "$download"' EXIT
	mvn_try -f "$root/test/interop/maven/$dist_version/pom.xml" "$dependency_plugin:copy" \
		-Dartifact="org.apache.activemq:apache-artemis:$dist_version:tar.gz:bin" -DoutputDirectory="$download"
	tar -xzf "$download/apache-artemis-$dist_version-bin.tar.gz" -C "$download"
	rm -rf "$dist_home"
	mv "$download/apache-artemis-$dist_version" "$dist_home"
fi

# JDBC store (issue 17): the real JdbcNodeManager (artemis-server + artemis-jdbc-store 2.40.0) and
# the PostgreSQL JDBC driver, as <cache>/classpath-jdbc-2.40.0.txt (test/interop/real-jdbc*).
jdbc_out="$cache/classpath-jdbc-2.40.0.txt"
if ! classpath_ok "$jdbc_out"; then
	echo "fetch-artemis: resolving artemis-jdbc-store 2.40.0 and org.postgresql:postgresql (Maven)"
	mvn_try -f "$root/test/interop/maven/jdbc-2.40.0/pom.xml" dependency:build-classpath \
		-Dmdep.includeScope=runtime -Dmdep.outputFile="$jdbc_out.tmp"
	mv "$jdbc_out.tmp" "$jdbc_out"
fi

echo "fetch-artemis: ready in $cache"
