# analyzer-node image: the node plus libtesseract 5 with English and Korean data. Build context: the repository root.
#   docker build -f deploy/docker/analyzer.Dockerfile -t crawlocr/analyzer-node .
# Needs BuildKit (the default builder since Docker 23 and in docker compose v2) for the Maven cache mount.

FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -pl analyzer-node -am package -DskipTests \
    && cp analyzer-node/target/analyzer-node.jar /analyzer-node.jar

FROM eclipse-temurin:21-jre-noble
# tess4j loads libtesseract.so.5 through JNA; the traineddata packages pick their own directory, so it is linked to a
# fixed path and the build fails here if a language is missing.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl libtesseract5 tesseract-ocr-eng tesseract-ocr-kor tesseract-ocr-osd \
    && rm -rf /var/lib/apt/lists/* \
    && ldconfig -p | grep -q 'libtesseract\.so\.5' \
    && ln -s "$(dirname "$(ls /usr/share/tesseract-ocr/*/tessdata/kor.traineddata | head -n 1)")" /usr/local/share/tessdata \
    && test -f /usr/local/share/tessdata/eng.traineddata \
    && test -f /usr/local/share/tessdata/kor.traineddata \
    && groupadd --system --gid 10001 crawlocr \
    && useradd --system --uid 10001 --gid crawlocr --home-dir /app --shell /usr/sbin/nologin crawlocr \
    && install -d -o 10001 -g 10001 /var/lib/crawlocr/analyzer
WORKDIR /app
COPY --from=build /analyzer-node.jar /app/analyzer-node.jar
# OMP_THREAD_LIMIT=1: Tesseract's OpenMP threads would fight the node's own OCR workers (ANALYZER_WORKERS, one per
# core by default) for the same cores. The heap gets half the container's memory; Tesseract's engines live outside it.
# ANALYZER_STATE_DIR keeps attempt markers on the container's own filesystem, so they survive a restart.
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
