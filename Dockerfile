# SPDX-License-Identifier: MIT
# hookbox's images: the agent (the default target) and, with
# --target collector, hookbox-collector. Each runtime stage is FROM scratch
# and holds only what `make rootfs` (scripts/rootfs.sh) put in build/rootfs/
# or build/rootfs-collector/, the same trees test/integration/rootfs.sh
# runs: the program, the libraries it loads, the CA bundle, openssl.cnf, a
# few /etc files. No shell, no package manager.
#
#   docker build -t hookbox .                       (or: make image, offline)
#   docker build --target collector -t hookbox-collector .

ARG BASE=debian:bookworm-slim

FROM ${BASE} AS build
# The build dependencies from the project's own list, in a layer of their
# own: a change of the sources does not install them again.
COPY scripts/deps.sh /src/scripts/deps.sh
RUN sh /src/scripts/deps.sh rootfs && rm -rf /var/lib/apt/lists/*
# What the Release build and make rootfs read, and nothing else: an edit
# to the tests or the README does not build the image again.
COPY CMakeLists.txt Makefile /src/
COPY agent /src/agent/
COPY collector /src/collector/
COPY common /src/common/
COPY core /src/core/
COPY proto /src/proto/
COPY kinds /src/kinds/
COPY runner /src/runner/
COPY scripts /src/scripts/
WORKDIR /src
# The Release build (tests left out: they run outside the image), then the
# root file systems.
RUN make rootfs BUILD=build CMAKE_FLAGS=-DBUILD_TESTING=OFF

# The collector. Its SQLite store lives on the volume; the default command
# listens on every address, which the collector allows only with a bearer
# token: mount one at /etc/hookbox/token (a Secret), or give other
# arguments (a PostgreSQL store: --store postgres://...).
FROM scratch AS collector
COPY --from=build /src/build/rootfs-collector/ /
COPY --from=build --chown=65532:65532 /src/build/rootfs-collector/var/lib/hookbox/ /var/lib/hookbox/
USER 65532:65532
# SQLite's temporary files (large sorts) on the volume: the root file
# system is read-only under Pod Security "restricted".
ENV SQLITE_TMPDIR=/var/lib/hookbox
VOLUME ["/var/lib/hookbox"]
EXPOSE 8080
ENTRYPOINT ["/hookbox-collector"]
CMD ["serve", "--listen", "0.0.0.0:8080", "--store", "sqlite:/var/lib/hookbox/reports.db", "--token-file", "/etc/hookbox/token"]

# The agent, last: the target `docker build .` makes.
FROM scratch AS agent
COPY --from=build /src/build/rootfs/ /
USER 65532:65532
ENTRYPOINT ["/hookbox"]
