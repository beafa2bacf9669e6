# fetcher-node image. Build context: the repository root.
#   docker build -f deploy/docker/fetcher.Dockerfile -t crawlocr/fetcher-node .
# Needs BuildKit (the default builder since Docker 23 and in docker compose v2) for the Maven cache mount.

FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -pl fetcher-node -am package -DskipTests \
    && cp fetcher-node/target/fetcher-node.jar /fetcher-node.jar

FROM eclipse-temurin:21-jre-noble
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 crawlocr \
    && useradd --system --uid 10001 --gid crawlocr --home-dir /app --shell /usr/sbin/nologin crawlocr
WORKDIR /app
COPY --from=build /fetcher-node.jar /app/fetcher-node.jar
ENV OPS_PORT=8080 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=90s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${OPS_PORT}/health/ready" >/dev/null || exit 1
ENTRYPOINT ["java", "-jar", "/app/fetcher-node.jar"]
