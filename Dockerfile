# syntax=docker/dockerfile:1
# Gemini Balance for Java. Build: docker build -t gemini-balance-java .
# Run:   docker run -d -p 8000:8000 -v gb-data:/app/data --env-file .env gemini-balance-java
# (see docker-compose.yml for the gateway with MariaDB and Redis, and the README's "Docker" section).

# Build stage: the Maven wrapper on a JDK, as `./mvnw -DskipTests package` runs outside Docker.
FROM eclipse-temurin:21-jdk-noble AS build
WORKDIR /src
# The wrapper and the pom first: the dependencies are a layer of their own, downloaded again only
# when the pom changes, not at every change of the sources.
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:go-offline
COPY src src
RUN ./mvnw -B -q -DskipTests package

# Runtime stage: a JRE only, the jar and the launcher, run as a user without privileges.
FROM eclipse-temurin:21-jre-noble
# A fixed uid, so that a host directory mounted on /app/data can be given to it (chown 10001).
RUN groupadd --system --gid 10001 gemini \
 && useradd --system --uid 10001 --gid gemini --home-dir /app --no-create-home --shell /usr/sbin/nologin gemini \
 && mkdir -p /app/data \
 && chown gemini:gemini /app/data
WORKDIR /app
COPY --from=build /src/target/gemini-balance.jar /app/gemini-balance.jar
COPY bin/gemini-balance bin/healthcheck /app/bin/
# The launcher looks for the jar under target/ by default; here it lies beside bin/.
ENV GEMINI_BALANCE_JAR=/app/gemini-balance.jar
# SQLite's file (SQLITE_DATABASE, default data/default_db) and the class-data archive the launcher
# writes on the first start live under the working directory's data/: keep them across containers.
VOLUME /app/data
# PORT's default.
EXPOSE 8000
USER gemini
# bash alone (bin/healthcheck): the JRE image has no curl or wget to count on. /health answers 503
# while the gateway drains on SIGTERM, so a stopping container is unhealthy at once.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["/app/bin/healthcheck"]
# exec form: the launcher execs java, which is PID 1 and gets docker stop's SIGTERM itself.
ENTRYPOINT ["/app/bin/gemini-balance"]
