/** What `generate.ts` was asked to do. */
export interface GenerateArgs {
  /** `--check`: compare with the committed files instead of writing. */
  readonly check: boolean;
  /** `--help`: print usage and exit. */
  readonly help: boolean;
}

/** Usage text for `--help` and for unknown arguments. */
export const GENERATE_USAGE = `usage: tsx codegen/src/cli/generate.ts [--check]

Regenerates sdk/src/gen/ from schemas/ (run from the repository root; npm run does that):
  JSON Schema -> sdk/src/gen/json-schema/types.ts (json-schema-to-typescript)
              -> sdk/src/gen/json-schema/validators.js + .d.ts (ajv standalone, ESM; every named schema)
              -> sdk/src/gen/json-schema/<name>-validators.js + .d.ts (what the runtime imports;
                 codegen/src/config/validator-modules.ts)
  protobuf    -> sdk/src/gen/proto/**/*_pb.ts (buf generate + local protoc-gen-es)

  --check   write nothing; exit 1 if any committed file differs, is missing or is stale
  --help    print this text

exit codes: 0 ok, 1 generated files out of date (--check), 2 generation failed or bad arguments`;

/** Parses the command line (arguments after the script name). Throws on unknown arguments. */
export function parseGenerateArgs(argv: readonly string[]): GenerateArgs {
  let check = false;
  let help = false;
  for (const argument of argv) {
    if (argument === "--check") {
      check = true;
    } else if (argument === "--help" || argument === "-h") {
      help = true;
    } else {
      throw new Error(`unknown argument "${argument}"`);
    }
  }
  return { check, help };
}
