# crawlctl image: the CLI as a Kafka and read-only PostgreSQL client inside the compose network.
# Build context: the repository root.
#   docker compose -f deploy/docker-compose.yml run --rm crawlctl status
# Needs BuildKit (the default builder since Docker 23 and in docker compose v2) for the Maven cache mount.

FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -pl crawlctl -am package -DskipTests \
    && mkdir -p /out \
    && cp -r crawlctl/target/crawlctl.jar crawlctl/target/lib /out/

FROM eclipse-temurin:21-jre-noble
RUN groupadd --system --gid 10001 crawlocr \
    && useradd --system --uid 10001 --gid crawlocr --home-dir /app --shell /usr/sbin/nologin crawlocr
WORKDIR /app
COPY --from=build /out/ /app/
ENV JAVA_TOOL_OPTIONS="-XX:+ExitOnOutOfMemoryError -XX:TieredStopAtLevel=1"
USER 10001:10001
ENTRYPOINT ["java", "-jar", "/app/crawlctl.jar"]
CMD ["--help"]
