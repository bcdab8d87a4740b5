// `proto beat` through the built binary: bad input exits 1 with an error that names what to fix.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { before, describe, it } from "node:test";
import { ensureBuilt } from "../../conformance/harness/ensure-built.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "bin/proto.js");

function proto(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("proto beat (bad input)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "proto-beat-"));
  before(() => {
    ensureBuilt();
  });

  const cases: [string, string, RegExp][] = [
    ["bad-cron.yaml", "entries:\n  nightly: {task: t, schedule: {cron: '0 25 * * *'}}\n", /InvalidOption: entries\.nightly: crontab hour/u],
    ["bad-tz.json", JSON.stringify({ timezone: "Europe/Atlantis", entries: {} }), /InvalidOption: timezone: unknown IANA time zone "Europe\/Atlantis"/u],
    [
      "bad-shape.json",
      JSON.stringify({ entries: { a: { task: "t" } } }),
      /InvalidOption: .*bad-shape\.json invalid: \/entries\/a\/schedule required property 'schedule' is missing/u,
    ],
    [
      "bad-solar.json",
      JSON.stringify({ entries: { a: { task: "t", schedule: { solar: "moonrise", lat: 0, lon: 0 } } } }),
      /InvalidOption: .*bad-solar\.json invalid: \/entries\/a\/schedule\/solar must be equal to one of the allowed values/u,
    ],
  ];
  for (const [name, text, expected] of cases) {
    it(`${name}: exits 1 and names the field`, () => {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      const r = proto(["beat", file, "--broker", "memory://", "-s", path.join(dir, "state.json")]);
      assert.equal(r.status, 1, r.stdout + r.stderr);
      assert.match(r.stderr, expected);
    });
  }

  it("a missing schedule file exits 1", () => {
    const r = proto(["beat", path.join(dir, "nope.yaml"), "--broker", "memory://"]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /schedule file ".*nope\.yaml" cannot be read/u);
  });
});
