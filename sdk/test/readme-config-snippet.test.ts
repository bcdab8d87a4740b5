// The README's configuration example ("Joining an existing Celery project") is a configuration the loader accepts,
// and it routes as the README says.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { compileClientOptions } from "../src/client/compile-client-options.js";
import { resolveCelerySettings } from "../src/config/resolve-celery-settings.js";
import { resolveDestination } from "../src/routing/resolve-destination.js";

const README = readFileSync(path.resolve(import.meta.dirname, "../../README.md"), "utf8");

describe("README configuration example", () => {
  it("resolves without warnings and routes push_* to push and work to the x-max-priority 9 queue", () => {
    const section = README.slice(README.indexOf("## Joining an existing Celery project"));
    const json = /```json\n([\s\S]*?)```/.exec(section)?.[1];
    assert.ok(json, "the section has a JSON example");
    const config = resolveCelerySettings(JSON.parse(json));
    assert.deepEqual(config.warnings, []);
    const o = compileClientOptions({ config }, {});
    const where = (task: string) => resolveDestination(o.router.route(task, [], {}), o.queueTable, o.routing);
    const push = where("proj.tasks.push_notify");
    assert.deepEqual([push.exchange, push.routingKey], ["", "push"]);
    const work = where("proj.tasks.work");
    assert.deepEqual([work.exchange, work.routingKey, work.queue?.arguments?.["x-max-priority"]], ["", "work", 9]);
    const other = where("proj.tasks.other");
    assert.deepEqual([other.exchange, other.routingKey], ["", "default"]);
  });

  it("the TLS example resolves without warnings, its ssl options kept as given", () => {
    const section = README.slice(README.indexOf("### TLS brokers"));
    const json = /```json\n([\s\S]*?)```/.exec(section)?.[1];
    assert.ok(json, "the TLS section has a JSON example");
    const config = resolveCelerySettings(JSON.parse(json));
    assert.deepEqual(config.warnings, []);
    const o = compileClientOptions({ config }, {});
    assert.deepEqual([(o.brokerUseSsl as Record<string, unknown>)["cert_reqs"], o.redisBackendUseSsl?.["ssl_cert_reqs"]], [2, "CERT_REQUIRED"]);
  });
});
