# A small image for the CronJob and the per-node probes: fipsev and the
# shared libraries it links, running as a non-root user; the CronJob gives
# it a read-only root file system.
FROM debian:12-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
        gcc make cmake pkg-config libsqlite3-dev libssl-dev \
        libcurl4-openssl-dev libxml2-dev libxslt1-dev libcjson-dev \
        libyaml-dev zlib1g-dev libarchive-dev ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY . /src
RUN cmake -S /src -B /build -DFIPSEV_TESTS=OFF -DCMAKE_BUILD_TYPE=Release \
    && cmake --build /build -j "$(nproc)"

FROM debian:12-slim
# Set at build time: docker build --build-arg VERSION=0.1.0 \
#   --build-arg REVISION=$(git rev-parse HEAD) .
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="fipsev" \
      org.opencontainers.image.description="Evidence, signed and verifiable, that a Kubernetes deployment runs in FIPS 140 mode" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="docker.io/library/debian:12-slim"
RUN apt-get update && apt-get install -y --no-install-recommends \
        libsqlite3-0 libssl3 libcurl4 libxml2 libxslt1.1 libcjson1 \
        libyaml-0-2 zlib1g libarchive13 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/fipsev fipsev
COPY --from=build /build/fipsev /usr/local/bin/fipsev
USER 10001:10001
ENTRYPOINT ["fipsev"]
