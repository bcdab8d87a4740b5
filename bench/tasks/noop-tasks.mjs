// Plain-JS task module for the worker benchmark, so the worker runs without the TypeScript loader.
export const tasks = { "conformance.noop": () => null };
