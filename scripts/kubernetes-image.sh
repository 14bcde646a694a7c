#!/usr/bin/env bash
# Builds the runner's image for deploy/kubernetes from the shaded jar, FROM a Java 17+ runtime image you choose
# (your registry's, a distroless one, eclipse-temurin:17-jre, ...): nothing here picks one for you.
#   mvn -f cluster-runner/pom.xml package -DskipTests
#   scripts/kubernetes-image.sh JRE_BASE_IMAGE TAG        e.g. registry.example/jre:17 registry.example/slipway-runner:0.1.0
# Then push TAG and put it in deploy/kubernetes/runner.yaml.
set -euo pipefail
base=${1:?usage: $0 JRE_BASE_IMAGE TAG}
tag=${2:?usage: $0 JRE_BASE_IMAGE TAG}
root=$(cd "$(dirname "$0")/.." && pwd)
jar=$root/cluster-runner/target/slipway-runner.jar
if [ ! -f "$jar" ]; then
  echo "no $jar: build it first with mvn -f cluster-runner/pom.xml package -DskipTests" >&2
  exit 1
fi
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
cp "$jar" "$ctx/slipway-runner.jar"
cat > "$ctx/Dockerfile" <<DOCKERFILE
FROM $base
COPY slipway-runner.jar /opt/slipway/slipway-runner.jar
USER 65532:65532
EXPOSE 8787
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/slipway/slipway-runner.jar"]
CMD ["serve", "--engine", "kubernetes", "--host", "0.0.0.0", "--data", "/data", "--token-file", "/data/admin-token"]
DOCKERFILE
docker build -t "$tag" "$ctx"
echo "built $tag FROM $base"
