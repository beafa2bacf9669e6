# analyzer-node image: the node plus libtesseract 5 with English and Korean data. Build context: the repository root.
#   docker build -f deploy/docker/analyzer.Dockerfile -t crawlocr/analyzer-node .
# Base images are build arguments: the public images by default; deploy/docker-compose.offline.yml passes the local
# ones deploy/images/build-bases.sh builds, for hosts without an image registry. Builds with the classic builder and
# with BuildKit alike (no BuildKit-only syntax).
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-21
# The runtime base of this image is crawlocr/base-analyzer offline: crawlocr/base-jre with Tesseract installed.
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
# tess4j loads libtesseract.so.5 through JNA. Tesseract and its English, Korean and osd data come from the base's
# packages unless the base has them already (crawlocr/base-analyzer does). The traineddata packages pick their own
# directory, so it is linked to a fixed path, and the build fails here if a language is missing.
RUN if ! ldconfig -p | grep -q 'libtesseract\.so\.5' || ! ls /usr/share/tesseract-ocr/*/tessdata/kor.traineddata >/dev/null 2>&1 \
        || ! command -v curl >/dev/null; then \
      apt-get update \
      && apt-get install -y --no-install-recommends curl libtesseract5 tesseract-ocr-eng tesseract-ocr-kor tesseract-ocr-osd \
      && rm -rf /var/lib/apt/lists/*; \
    fi \
    && ldconfig -p | grep -q 'libtesseract\.so\.5' \
    && ln -s "$(dirname "$(ls /usr/share/tesseract-ocr/*/tessdata/kor.traineddata | head -n 1)")" /usr/local/share/tessdata \
    && test -f /usr/local/share/tessdata/eng.traineddata \
    && test -f /usr/local/share/tessdata/kor.traineddata \
    && groupadd --system --gid 10001 crawlocr \
    && useradd --system --uid 10001 --gid crawlocr --home-dir /app --shell /usr/sbin/nologin crawlocr \
    && install -d -o 10001 -g 10001 /var/lib/crawlocr/analyzer
WORKDIR /app
COPY --from=build /out/analyzer-node.jar /app/analyzer-node.jar
# OMP_THREAD_LIMIT=1: Tesseract's OpenMP threads would fight the node's own OCR workers (ANALYZER_WORKERS, one per
# core by default) for the same cores. The heap gets half the container's memory; Tesseract's engines live outside it.
# ANALYZER_STATE_DIR keeps attempt markers (crash-loop detection) across restarts: deploy/docker-compose.yml mounts a
# volume of its own there for each replica.
ENV OPS_PORT=8080 \
    OMP_THREAD_LIMIT=1 \
    TESSDATA_PREFIX=/usr/local/share/tessdata \
    OCR_TESSDATA_DIR=/usr/local/share/tessdata \
    ANALYZER_STATE_DIR=/var/lib/crawlocr/analyzer \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true"
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=90s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${OPS_PORT}/health/ready" >/dev/null || exit 1
ENTRYPOINT ["java", "-jar", "/app/analyzer-node.jar"]
