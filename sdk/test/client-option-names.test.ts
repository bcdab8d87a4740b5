// Misspelled enqueue options are refused before anything is published, naming the key and the option meant.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Client } from "../src/client/client.js";
import { createClient } from "../src/client/create-client.js";
import { SEND_TASK_OPTION_NAMES } from "../src/client/send-task-option-names.js";
import type { SendTaskOptions } from "../src/client/send-task-options.js";
import { defineTask } from "../src/client/task-descriptor.js";
import { CeleryProtoError } from "../src/errors/celery-proto-error.js";
import { nearestName } from "../src/errors/nearest-name.js";

const refused = (message: string) => (e: unknown) => CeleryProtoError.is(e, "InvalidOption") && e.message === message;

describe("enqueue options", () => {
  let client: Client;
  before(async () => {
    client = await createClient({ broker: "memory://", backend: null });
  });
  after(() => client.close());

  it("an unknown key is refused with the nearest valid name; nothing is sent", async () => {
    await assert.rejects(
      client.enqueue("t.add", [1], {}, { countdwn: 5 } as SendTaskOptions),
      refused("countdwn: not an enqueue option; did you mean countdown?"),
    );
    await assert.rejects(
      client.enqueue("t.add", [1], {}, { routing_key: "x" } as SendTaskOptions),
      refused("routing_key: not an enqueue option; did you mean routingKey?"),
    );
    await assert.rejects(
      client.sendTask("t.add", [1], {}, { prioirty: 1 } as SendTaskOptions),
      refused("prioirty: not an enqueue option; did you mean priority?"),
    );
    const task = defineTask<[number], number>("t.add", { queu: "q" } as SendTaskOptions);
    await assert.rejects(client.enqueue(task, [1]), refused('queu: not an enqueue option (in the defaults of "t.add"); did you mean queue?'));
    assert.equal(await client.transport.purge("celery"), 0);
  });

  it("every valid option passes", async () => {
    const options: Required<SendTaskOptions> = {
      id: "00000000-0000-4000-8000-000000000001",
      countdown: 0,
      eta: null,
      expires: null,
      shadow: null,
      groupId: null,
      groupIndex: null,
      retries: 0,
      timeLimit: null,
      softTimeLimit: null,
      rootId: null,
      parentId: null,
      origin: "gen1@host",
      ignoreResult: true,
      replacedTaskNesting: 0,
      stamps: {},
      headers: {},
      link: null,
      linkError: null,
      chain: null,
      chord: null,
      replyTo: "",
      priority: 0,
      deliveryMode: 2,
      argsrepr: "(1,)",
      kwargsrepr: "{}",
      queue: "celery",
      exchange: "",
      routingKey: "celery",
      serializer: "json",
      compression: null,
    };
    assert.deepEqual([...SEND_TASK_OPTION_NAMES].sort(), Object.keys(options).sort());
    const result = await client.enqueue("t.add", [1], {}, options);
    assert.equal(result.id, options.id);
    assert.equal(await client.transport.purge("celery"), 1);
  });
});

describe("nearestName", () => {
  it("finds case and snake_case variants and close misspellings; nothing when far", () => {
    const names = ["acksLate", "timeLimit", "softTimeLimit", "queue"];
    assert.equal(nearestName("acksLte", names), "acksLate");
    assert.equal(nearestName("acks_late", names), "acksLate");
    assert.equal(nearestName("ACKSLATE", names), "acksLate");
    assert.equal(nearestName("soft_time_limit", names), "softTimeLimit");
    assert.equal(nearestName("queu", names), "queue");
    assert.equal(nearestName("routing", names), null);
    assert.equal(nearestName("x", names), null);
  });
});
