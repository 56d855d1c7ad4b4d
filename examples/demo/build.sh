#!/bin/sh
# Builds the demo agent. Needs Debian's clang lld wasi-libc libclang-rt-14-dev-wasm32.
set -eu
cd "$(dirname "$0")"
clang --target=wasm32-wasi --sysroot=/usr -O2 -Wall -Wl,--strip-all -o agent.wasm agent.c
