# SPDX-License-Identifier: MIT
# Builds procinit as one static musl binary and ships it in an empty image.
# Use it as is, or copy the binary into your own image:
#   COPY --from=procinit /procinit /procinit
#   ENTRYPOINT ["/procinit"]

FROM alpine:3.20 AS builder
# build-base brings gcc, binutils and musl-dev; on Alpine gcc links musl,
# and the Makefile's -static gives a binary that needs no libc at run time.
RUN apk add --no-cache build-base make
WORKDIR /src
COPY . .
# `make clean` first: a build/ folder copied from the host holds objects
# compiled against another libc, and make would happily link them.
RUN make clean && make CC=gcc && strip build/procinit

FROM scratch
COPY --from=builder /src/build/procinit /procinit
ENTRYPOINT ["/procinit"]
