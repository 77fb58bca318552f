#!/bin/sh
# Starts the console (README "Quick start" line 1, `pnpm start`): builds what changed since the last
# build, then replaces this shell with the server, so one Node process stays and no wrapper does
# (npm exec, pnpm and sh held ~205 MB). The settings, measured in bff/bench/NOTES.md (memory at rest):
# MALLOC_*: glibc gives back what V8's WebAssembly compiler freed on its threads;
# --max-semi-space-size=1: V8's young generation stays at 2 MB instead of growing to 32 MB.
# --wasm-num-compilation-tasks=1: one background thread compiles PGlite's WebAssembly, whose
# freed compiler memory then stays in fewer places (about 27 MB less at rest, see NOTES.md).
# The container (docker/Dockerfile) runs the same command with the same settings.
set -e
cd "$(dirname "$0")/.."
node scripts/build-if-changed.mjs
exec env MALLOC_ARENA_MAX=2 MALLOC_TRIM_THRESHOLD_=131072 node --max-semi-space-size=1 --wasm-num-compilation-tasks=1 bff/dist/main.mjs
