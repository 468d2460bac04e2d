# The Tether image: the launcher (tether collect / streams / query / ...), the schema registry and the probe library.
# Build: docker build -t tether .      Run: docker run --rm tether --help
FROM maven:3.9-eclipse-temurin-17 AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pom.xml ./
COPY schemas schemas
COPY netns netns
COPY testkit testkit
COPY registry registry
COPY collector collector
COPY streams-app streams-app
COPY cli cli
COPY bench bench
RUN mvn -B -q -DskipTests -pl cli -am package dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory=/opt/tether/lib \
 && cp cli/target/tether-cli-*.jar registry/target/tether-registry-*.jar collector/target/tether-collector-*.jar \
       streams-app/target/tether-streams-app-*.jar schemas/target/tether-schemas-*.jar netns/target/tether-netns-*.jar \
       /opt/tether/lib/ \
 && mkdir -p /opt/tether/lib/native && cp collector/target/native/libtether-probe.so /opt/tether/lib/native/

FROM eclipse-temurin:17-jre
COPY --from=build /opt/tether /opt/tether
RUN mkdir -p /var/lib/tether /var/run/tether/channels
ENV TETHER_PROBE_LIBRARY=/opt/tether/lib/native/libtether-probe.so
EXPOSE 8470 8081
ENTRYPOINT ["java", "-cp", "/opt/tether/lib/*", "io.tether.cli.TetherCli"]
CMD ["--help"]
