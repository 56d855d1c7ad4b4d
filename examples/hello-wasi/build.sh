#!/bin/sh
# Builds hello.wasm with Debian's clang and wasi-libc:
#   apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32
set -eu
cd "$(dirname "$0")"
clang --target=wasm32-wasi --sysroot=/usr -O2 -Wall -Wl,--strip-all -o hello.wasm hello.c
echo "built $(pwd)/hello.wasm"
