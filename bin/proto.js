#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=50
// --max-semi-space-size=4: a worker's garbage is short-lived (one message, one result), and V8's default young
// generation lets it grow the RSS by tens of MB under load; 4 MB semi-spaces keep the peak lower at the same drain
// rate. --heap-growing-percent=50: what a busy worker's young generation promotes is mostly garbage by the next full
// GC, and V8's default growth (up to 4x the live size after a GC) let the old space reach ~70 MB at -c100 before one;
// 1.5x keeps it near 25 MB at the same CPU per task (2026-12-07: peak RSS of a 20,000-task Redis drain at -c100,
// 133-135 MB -> 93 MB). bench/drain.ts and bench/latency.ts read these flags from this line.
import { execute } from "@oclif/core";

await execute({ dir: import.meta.url });
