#!/bin/sh
# Builds the example benchmark's WASI agent. Needs Debian's clang lld wasi-libc
# libclang-rt-14-dev-wasm32; the built quick.wasm is committed.
set -eu
cd "$(dirname "$0")"
clang --target=wasm32-wasi --sysroot=/usr -O2 -Wall -Wl,--strip-all -o quick.wasm quick.c
