// A client without a configuration uses its own copy of Celery's defaults (so it does not load the settings table):
// the copy must equal what the table recorded from Celery 5.7 gives.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CLIENT_DEFAULT_SETTINGS } from "../src/client/client-default-settings.js";
import { compileClientOptions } from "../src/client/compile-client-options.js";
import { createClient } from "../src/client/create-client.js";
import { resolveCelerySettings } from "../src/config/resolve-celery-settings.js";

describe("the client's default settings", () => {
  it("equal Celery 5.7's recorded defaults", () => {
    const { settings } = resolveCelerySettings({});
    for (const [name, value] of Object.entries(CLIENT_DEFAULT_SETTINGS)) {
      const recorded = settings[name];
      // Celery's default delivery mode is the name "persistent", which is mode 2.
      const expected = name === "task_default_delivery_mode" && recorded === "persistent" ? 2 : recorded;
      assert.deepEqual(value, expected, name);
    }
  });

  it("a configuration's settings apply under the options; raw settings must be resolved first", () => {
    const config = resolveCelerySettings({ CELERY_DEFAULT_QUEUE: "default", CELERY_TASK_SERIALIZER: "msgpack", BROKER_URL: "redis://h/0" });
    const compiled = compileClientOptions({ config, serializer: "yaml" }, {});
    assert.equal(compiled.defaultQueue, "default");
    assert.equal(compiled.serializer, "yaml");
    assert.equal(compiled.broker, "redis://h/0");
    assert.equal(compileClientOptions({ config }, { CELERY_BROKER_URL: "redis://env/1" }).broker, "redis://env/1");
    // Empty variables count as unset, as in Celery.
    assert.equal(compileClientOptions({ config }, { CELERY_BROKER_URL: "", CELERY_RESULT_BACKEND: "" }).broker, "redis://h/0");
    assert.throws(() => compileClientOptions({ config: { task_default_queue: "x" } }, {}), /config: give a resolved configuration/);
  });

  it("createClient reports what resolving raw settings warned about, as a process warning", async () => {
    const warnings: string[] = [];
    const listener = (w: Error): void => {
      if (w.name === "CeleryProtoWarning") warnings.push(w.message);
    };
    process.on("warning", listener);
    try {
      const client = await createClient({ broker: "memory://", config: { task_default_queeu: "x" } });
      await client.close();
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(warnings, ["task_default_queeu: not a Celery setting (did you mean task_default_queue?); ignored"]);
    } finally {
      process.off("warning", listener);
    }
  });
});
