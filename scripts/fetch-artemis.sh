#!/usr/bin/env bash
# Fetches the real Apache ActiveMQ Artemis code the interop tests run against (test/interop/real-*):
#   - the runtime classpath of org.apache.activemq:artemis-server 2.9.0 (ranges layout) and 2.40.0
#     (files layout), written as <cache>/classpath-<version>.txt (jars stay in Maven's ~/.m2);
#   - the broker distribution org.apache.activemq:apache-artemis:2.40.0:tar.gz:bin, unpacked as
#     <cache>/apache-artemis-2.40.0.
#   - the version matrix (test/interop/versions.ts): for each HornetQ / Artemis release, the few jars
#     its node manager needs and nothing else, as <cache>/classpath-min-<key>.txt (see "matrix" below);
#     for the AIO (flock) layout the libaio JNI library out of its jar (<cache>/native-<key>/) and a
#     patched java.nio.channels.FileLock (<cache>/jdk-patch-<hash>/, why: jdk-patch/.../FileLock.java);
#     libaio itself comes from the OS (Debian: libaio1, which .ci/run installs).
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

# --- matrix: HornetQ 2.2 … Artemis 2.56, minimal classpaths (2.9.0 and 2.40.0: above) --------------------------------------
# key | Maven coordinates (group:artifact:version) of exactly the jars the node manager loads: the
# server jar, its commons/client jars (UUID, SimpleString, exceptions) and its logging API; for AIO
# the journal and the native jar. Netty, JGroups, the JDBC store, the selector… are left out (each
# is fetched with its transitive dependencies excluded): ~0.2–5 MB a version instead of ~30 MB.
matrix=(
	"hornetq-2.2.14|org.hornetq:hornetq-core:2.2.14.Final"
	"hornetq-2.3.25|org.hornetq:hornetq-server:2.3.25.Final org.hornetq:hornetq-commons:2.3.25.Final org.hornetq:hornetq-core-client:2.3.25.Final org.jboss.logging:jboss-logging:3.1.0.GA org.hornetq:hornetq-journal:2.3.25.Final org.hornetq:hornetq-native:2.3.0.Final"
	"hornetq-2.4.7|org.hornetq:hornetq-server:2.4.7.Final org.hornetq:hornetq-commons:2.4.7.Final org.hornetq:hornetq-core-client:2.4.7.Final org.jboss.logging:jboss-logging:3.1.0.GA org.hornetq:hornetq-journal:2.4.7.Final org.hornetq:hornetq-native:2.4.7.Final"
	"artemis-2.0.0|org.apache.activemq:artemis-server:2.0.0 org.apache.activemq:artemis-commons:2.0.0 org.apache.activemq:artemis-core-client:2.0.0 org.jboss.logging:jboss-logging:3.3.0.Final org.apache.activemq:artemis-journal:2.0.0 org.apache.activemq:artemis-native:2.0.0"
	"artemis-2.10.0|org.apache.activemq:artemis-server:2.10.0 org.apache.activemq:artemis-commons:2.10.0 org.apache.activemq:artemis-core-client:2.10.0 org.jboss.logging:jboss-logging:3.4.0.Final"
	"artemis-2.20.0|org.apache.activemq:artemis-server:2.20.0 org.apache.activemq:artemis-commons:2.20.0 org.apache.activemq:artemis-core-client:2.20.0 org.jboss.logging:jboss-logging:3.4.2.Final"
	"artemis-2.28.0|org.apache.activemq:artemis-server:2.28.0 org.apache.activemq:artemis-commons:2.28.0 org.apache.activemq:artemis-core-client:2.28.0 org.slf4j:slf4j-api:1.7.36"
	"artemis-2.30.0|org.apache.activemq:artemis-server:2.30.0 org.apache.activemq:artemis-commons:2.30.0 org.apache.activemq:artemis-core-client:2.30.0 org.slf4j:slf4j-api:1.7.36"
	"artemis-2.44.0|org.apache.activemq:artemis-server:2.44.0 org.apache.activemq:artemis-commons:2.44.0 org.apache.activemq:artemis-core-client:2.44.0 org.slf4j:slf4j-api:2.0.17"
	"artemis-2.56.0|org.apache.artemis:artemis-server:2.56.0 org.apache.artemis:artemis-commons:2.56.0 org.apache.artemis:artemis-core-client:2.56.0 org.slf4j:slf4j-api:2.0.18 org.apache.artemis:artemis-journal:2.56.0"
)
# The JNI library of the AIO keys: key | jar artifact | path inside it. (2.3.25 declares no
# hornetq-native; the 2.3 line's one jar, 2.3.0.Final, has the native version its journal expects.
# HornetQ 2.2's library came only in its distribution zip: no AIO run for 2.2.14.)
natives=(
	"hornetq-2.3.25|hornetq-native|lib/linux-x86_64/libHornetQAIO64.so"
	"hornetq-2.4.7|hornetq-native|lib/linux-x86_64/libHornetQAIO64.so"
	"artemis-2.0.0|artemis-native|lib/linux-x86_64/libartemis-native-64.so"
)

# A pom that is only that list, every dependency without its own dependencies.
matrix_pom() {
	local key="$1" coordinates="$2" coordinate group artifact version
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<!-- Generated by scripts/fetch-artemis.sh (matrix %s): a dependency list, nothing is built. -->\n' "$key"
	printf '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>\n'
	printf '<groupId>ha-tui.interop</groupId><artifactId>%s</artifactId><version>1</version><packaging>pom</packaging>\n<dependencies>\n' "$key"
	for coordinate in $coordinates; do
		IFS=: read -r group artifact version <<<"$coordinate"
		printf '<dependency><groupId>%s</groupId><artifactId>%s</artifactId><version>%s</version>' "$group" "$artifact" "$version"
		printf '<exclusions><exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion></exclusions></dependency>\n'
	done
	printf '</dependencies></project>\n'
}

for entry in "${matrix[@]}"; do
	key="${entry%%|*}"
	out="$cache/classpath-min-$key.txt"
	classpath_ok "$out" && continue
	echo "fetch-artemis: resolving the node manager jars of $key (Maven)"
	mkdir -p "$cache/poms/$key"
	matrix_pom "$key" "${entry#*|}" >"$cache/poms/$key/pom.xml"
	mvn_try -f "$cache/poms/$key/pom.xml" "$dependency_plugin:build-classpath" -Dmdep.outputFile="$out.tmp"
	mv "$out.tmp" "$out"
done

for entry in "${natives[@]}"; do
	IFS='|' read -r key artifact inside <<<"$entry"
	target="$cache/native-$key"
	[[ -s "$target/$(basename "$inside")" ]] && continue
	jar="$(tr ':' '\n' <"$cache/classpath-min-$key.txt" | grep "/$artifact-[^/]*\.jar\$" | head -n 1)"
	[[ -n "$jar" ]] || { echo "fetch-artemis: no $artifact jar in the classpath of $key" >&2; exit 1; }
	rm -rf "$target.tmp" && mkdir -p "$target.tmp"
	(cd "$target.tmp" && jar xf "$jar" "$inside" && mv "$inside" . && rm -rf "${inside%%/*}")
	rm -rf "$target"
	mv "$target.tmp" "$target"
done
# --- end of matrix ----------------------------------------------------------------------------------

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

# --- matrix: more broker distributions (real-broker.test.ts, `npm run test:matrix`) ----------------
# Only with --matrix (or HA_TUI_INTEROP_MATRIX=1): 49 MB (2.56.0) and 67 MB (2.21.0) to download.
if [[ "${1:-}" == "--matrix" || "${HA_TUI_INTEROP_MATRIX:-}" == "1" ]]; then
	for coordinate in org.apache.artemis:2.56.0 org.apache.activemq:2.21.0; do
		group="${coordinate%%:*}" version="${coordinate#*:}"
		home="$cache/apache-artemis-$version"
		[[ -x "$home/bin/artemis" ]] && continue
		echo "fetch-artemis: fetching the apache-artemis $version distribution ($group, Maven) and unpacking it"
		unpack="$(mktemp -d "$cache/download.XXXXXX")"
		mvn_try -f "$root/test/interop/maven/$dist_version/pom.xml" "$dependency_plugin:copy" \
			-Dartifact="$group:apache-artemis:$version:tar.gz:bin" -DoutputDirectory="$unpack"
		tar -xzf "$unpack/apache-artemis-$version-bin.tar.gz" -C "$unpack"
		rm -rf "$home"
		mv "$unpack/apache-artemis-$version" "$home"
		rm -rf "$unpack"
	done
fi
# --- end of matrix distributions ---------------------------------------------------------------------

echo "fetch-artemis: ready in $cache"
