# Negative fixture for check-dockerfile.mjs, which must reject it for every reason below: the final
# stage is the full image with build packages, runs as root, misses a binary, has a shell-form
# ENTRYPOINT; the build stage would build the tests.
# expect: final stage: FROM debian:bookworm, expected debian:bookworm-slim
# expect: final stage: installs build package build-essential
# expect: final stage: installs build package libgrpc++-dev
# expect: final stage: apt-get install without --no-install-recommends
# expect: final stage: apt lists not removed
# expect: final stage: USER root must be numeric
# expect: final stage: ENTRYPOINT must be in exec form
# expect: final stage: does not COPY --from=build .../client/teams-report into /usr/local/bin/
# expect: build stage: cmake configure lacks -DTEAMS_BUILD_TESTS=OFF
FROM debian:bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends build-essential cmake \
 && rm -rf /var/lib/apt/lists/*
COPY . /src
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DTEAMS_BUILD_BENCH=OFF \
 && cmake --build build --target teams-report-server teams-report

FROM debian:bookworm
RUN apt-get update && apt-get install -y build-essential libgrpc++-dev
COPY --from=build /src/build/server/teams-report-server /usr/local/bin/
USER root
ENTRYPOINT /usr/local/bin/teams-report-server
