# Build stage: the Swift toolchain plus the C libraries the service links.
FROM swift:6.1-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq-dev libssl-dev libargon2-dev libcrypt-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product employees --static-swift-stdlib \
 && cp "$(swift build -c release --show-bin-path)/employees" /employees

# Runtime stage: the binary, its migrations, and the shared libraries only.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 libssl3 libargon2-1 libcrypt1 curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /app --shell /usr/sbin/nologin employees
WORKDIR /app
COPY --from=build /employees /usr/local/bin/employees
COPY sql ./sql
RUN mkdir -p /app/data && chown employees /app/data
USER employees
ENV HOST=0.0.0.0 PORT=8080 EMPLOYEES_DATA_DIR=/app/data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["employees"]
CMD ["serve"]
