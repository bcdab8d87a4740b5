// The AMQP transport's bindings (queue.bind, exchange.bind): resolved and checked as kombu sends them, remembered in
// the declaration registry in first-declared order (so they are replayed after a reconnect, after the entities they
// join), and forgotten with a deleted queue or exchange, as RabbitMQ deletes the bindings with it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resolveExchangeBind, resolveQueueBind } from "../src/transport/amqp/bind-amqp-entities.js";
import { DeclarationRegistry, describeDeclaration, type Declaration } from "../src/transport/amqp/declaration-registry.js";
import { resolveExchangeDeclaration, resolveQueueDeclaration } from "../src/transport/amqp/declare-amqp-entities.js";

const exchange = (name: string): Declaration => ({ kind: "exchange", declaration: resolveExchangeDeclaration({ name, type: "topic" }) });
const queue = (name: string): Declaration => ({ kind: "queue", declaration: resolveQueueDeclaration({ name, exchange: null }) });
const qbind = (q: string, e: string, routingKey: string): Declaration => ({
  kind: "queue-binding",
  declaration: resolveQueueBind({ queue: q, exchange: e, routingKey }),
});
const xbind = (destination: string, source: string, routingKey: string): Declaration => ({
  kind: "exchange-binding",
  declaration: resolveExchangeBind({ destination, source, routingKey }),
});

describe("AMQP bindings in the declaration registry", () => {
  it("resolves with py-amqp's argument types and refuses a binding without names", () => {
    assert.deepEqual(resolveQueueBind({ queue: "q", exchange: "x", routingKey: "#.k", arguments: { "x-match": "all", n: 2 ** 40 } }), {
      queue: "q",
      exchange: "x",
      routingKey: "#.k",
      arguments: { "x-match": "all", n: { "!": "long", value: 2n ** 40n } },
    });
    assert.deepEqual(resolveExchangeBind({ destination: "d", source: "s", routingKey: "0.#" }), {
      destination: "d",
      source: "s",
      routingKey: "0.#",
      arguments: {},
    });
    assert.throws(() => resolveQueueBind({ queue: "q", exchange: "", routingKey: "k" }), /exchange: a binding needs a non-empty name/);
    assert.throws(() => resolveExchangeBind({ destination: "", source: "s", routingKey: "k" }), /destination: a binding needs a non-empty name/);
  });

  it("remembers each distinct binding once, in first-declared order, and knows what the connection has sent", () => {
    const r = new DeclarationRegistry();
    for (const d of [exchange("a"), queue("q"), qbind("q", "a", "k"), exchange("b"), xbind("b", "a", "0.#"), qbind("q", "a", "k"), qbind("q", "a", "other")]) {
      r.markDeclared(d);
    }
    assert.deepEqual(r.all().map(describeDeclaration), [
      'exchange.declare "a"',
      'queue.declare "q"',
      'queue.bind "a" -> queue "q" ("k")',
      'exchange.declare "b"',
      'exchange.bind "a" -> exchange "b" ("0.#")',
      'queue.bind "a" -> queue "q" ("other")',
    ]);
    assert.equal(r.isDeclared(qbind("q", "a", "k")), true);
    r.resetConnection();
    assert.equal(r.isDeclared(qbind("q", "a", "k")), false);
    assert.equal(r.all().length, 6, "a new connection replays them all");
  });

  it("a deleted queue takes its bindings with it; a deleted exchange the bindings from and to it", () => {
    const r = new DeclarationRegistry();
    for (const d of [exchange("a"), exchange("b"), queue("q"), queue("p"), qbind("q", "a", "k"), qbind("p", "b", "k"), xbind("b", "a", "0.#")])
      r.markDeclared(d);
    r.forgetQueue("q");
    assert.deepEqual(r.all().map(describeDeclaration), [
      'exchange.declare "a"',
      'exchange.declare "b"',
      'queue.declare "p"',
      'queue.bind "b" -> queue "p" ("k")',
      'exchange.bind "a" -> exchange "b" ("0.#")',
    ]);
    r.forgetExchange("a");
    assert.deepEqual(r.all().map(describeDeclaration), ['exchange.declare "b"', 'queue.declare "p"', 'queue.bind "b" -> queue "p" ("k")']);
    r.forgetExchange("b");
    assert.deepEqual(r.all().map(describeDeclaration), ['queue.declare "p"']);
  });
});
