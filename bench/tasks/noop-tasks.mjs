// Plain-JS task module for the benchmarks, so the worker runs without the TypeScript loader.
export const tasks = { "conformance.noop": () => null, "conformance.add": ([x, y]) => x + y };
