# writer-node image. Build context: the repository root.
#   docker build -f deploy/docker/writer.Dockerfile -t crawlocr/writer-node .
# Base images are build arguments: the public images by default; deploy/docker-compose.offline.yml passes the local
# ones deploy/images/build-bases.sh builds, for hosts without an image registry. Builds with the classic builder and
# with BuildKit alike (no BuildKit-only syntax).
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-21
ARG RUNTIME_IMAGE=eclipse-temurin:21-jre-noble

# --- The build stage: the same in the four Dockerfiles here (deploy/check.sh keeps it so), so that a builder reuses
# its layers and one Maven run serves the four images. Dependencies come first, into a layer that changes only with
# a pom: with the poms alone, a package run downloads every dependency and plugin. Sources follow, built offline.
FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY pom.xml ./
COPY common/pom.xml common/
COPY localcluster/pom.xml localcluster/
COPY devkit/pom.xml devkit/
COPY fetcher-node/pom.xml fetcher-node/
COPY analyzer-node/pom.xml analyzer-node/
COPY writer-node/pom.xml writer-node/
COPY all-in-one/pom.xml all-in-one/
COPY crawlctl/pom.xml crawlctl/
COPY integration-tests/pom.xml integration-tests/
RUN mvn -B -q -ntp -T 2 -pl fetcher-node,analyzer-node,writer-node,crawlctl -am package -Dmaven.test.skip=true \
    && rm -rf ./*/target
COPY common/src/main common/src/main
COPY localcluster/src/main localcluster/src/main
COPY devkit/src/main devkit/src/main
COPY fetcher-node/src/main fetcher-node/src/main
COPY analyzer-node/src/main analyzer-node/src/main
COPY writer-node/src/main writer-node/src/main
COPY crawlctl/src/main crawlctl/src/main
RUN mvn -B -q -ntp -o -T 2 -pl fetcher-node,analyzer-node,writer-node,crawlctl -am package -Dmaven.test.skip=true \
    && mkdir -p /out/crawlctl \
    && cp fetcher-node/target/fetcher-node.jar analyzer-node/target/analyzer-node.jar writer-node/target/writer-node.jar /out/ \
    && cp -r crawlctl/target/crawlctl.jar crawlctl/target/lib /out/crawlctl/
# --- end of the build stage

FROM ${RUNTIME_IMAGE}
# curl for the healthcheck: eclipse-temurin and crawlocr/base-jre have it; any other base gets it from its packages.
RUN if ! command -v curl >/dev/null; then \
      apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*; \
    fi \
    && groupadd --system --gid 10001 crawlocr \
    && useradd --system --uid 10001 --gid crawlocr --home-dir /app --shell /usr/sbin/nologin crawlocr
WORKDIR /app
COPY --from=build /out/writer-node.jar /app/writer-node.jar
ENV OPS_PORT=8080 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=90s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${OPS_PORT}/health/ready" >/dev/null || exit 1
ENTRYPOINT ["java", "-jar", "/app/writer-node.jar"]
