# weaviate-sync worker image. Not built in this project's CI (its machines have no Docker engine);
# build it where one runs:  docker build -t weaviate-sync .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY schema schema
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q -DskipTests package dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 sync && useradd --system --uid 10001 --gid sync --home /nonexistent sync \
    && mkdir -p /var/lib/weaviate-sync/state && chown -R sync:sync /var/lib/weaviate-sync
WORKDIR /app
COPY --from=build /src/target/lib lib
COPY --from=build /src/target/weaviate-sync-*.jar lib/weaviate-sync.jar
USER 10001:10001
# Container-aware heap: a share of the memory limit, and die (to be restarted) rather than limp on OOM.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError" \
    KAFKA_STATE_DIR=/var/lib/weaviate-sync/state
EXPOSE 8081
ENTRYPOINT ["java", "-cp", "/app/lib/*", "dev.weaviatesync.cli.Main"]
CMD ["run"]
