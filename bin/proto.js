#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=50
// V8 flags for a worker's short-lived garbage: small semi-spaces, and old space grown 1.5x (not up to 4x) the live
// size between full GCs; both keep the RSS under load lower at the same CPU per task (bench/README.md).
import { execute } from "@oclif/core";

await execute({ dir: import.meta.url });
