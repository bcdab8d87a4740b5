import { createRequire } from "node:module";

// The msgpack, YAML and bzip2 libraries serve bodies that few deployments send; they are required on first use so that
// importing the codec (and `createClient`) does not load them. All three ship CommonJS, so the codec stays synchronous.
const require = createRequire(import.meta.url);

type MsgpackModule = typeof import("@msgpack/msgpack");
type YamlModule = typeof import("yaml");
interface BzipModule {
  decode(input: Buffer): Buffer;
}

let msgpack: MsgpackModule | undefined;
let yaml: YamlModule | undefined;
let bzip: BzipModule | undefined;

export function msgpackModule(): MsgpackModule {
  msgpack ??= require("@msgpack/msgpack") as MsgpackModule;
  return msgpack;
}

export function yamlModule(): YamlModule {
  yaml ??= require("yaml") as YamlModule;
  return yaml;
}

export function bzipModule(): BzipModule {
  bzip ??= require("seek-bzip") as BzipModule;
  return bzip;
}
