#!/usr/bin/env -S node --max-semi-space-size=4
// --max-semi-space-size=4: a worker's garbage is short-lived (one message, one result), and V8's default young
// generation lets it grow the RSS by tens of MB under load; 4 MB semi-spaces keep the peak lower at the same drain
// rate (bench/worker.ts runs the worker the way this line does).
import { execute } from "@oclif/core";

await execute({ dir: import.meta.url });
