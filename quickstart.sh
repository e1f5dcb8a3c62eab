#!/bin/sh
# Hookline quick start: builds the runnable jar if needed, then runs it with your arguments.
#   ./quickstart.sh            the pipeline on http://127.0.0.1:8080/webhooks/demo, until Ctrl+C
#   ./quickstart.sh --demo     a scripted burst of webhooks and a summary; exit status 0 when nothing was lost
#   ./quickstart.sh --help     all options
# Needs only a JDK 17+ and Maven 3.8.7+.
set -eu
cd "$(dirname "$0")"
jar=examples/quickstart/target/quickstart.jar
# Rebuild when the jar is missing or any source or pom is newer than it.
if [ ! -f "$jar" ] || [ -n "$(find pom.xml webhook-core webhook-sqs webhook-http webhook-micrometer webhook-testkit examples/pom.xml examples/quickstart \
    -newer "$jar" \( -name '*.java' -o -name 'pom.xml' -o -name '*.properties' \) -not -path '*/target/*' 2>/dev/null | head -n 1)" ]; then
  echo "Building the quick start (first run takes a minute)..." >&2
  mvn -B -q -pl examples/quickstart -am package -DskipTests
fi
exec java -jar "$jar" "$@"
