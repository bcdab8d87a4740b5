// `proto worker` killed, warm- and cold-stopped on RabbitMQ (results in Redis db 3). See worker-core-lifecycle.ts.
import { defineLifecycleSuite } from "./worker-core-lifecycle.js";

defineLifecycleSuite("amqp");
