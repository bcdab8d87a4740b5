// `proto worker` killed, warm- and cold-stopped on Redis (broker db 2, own key prefix; results db 3). See worker-core-lifecycle.ts.
import { defineLifecycleSuite } from "./worker-core-lifecycle.js";

defineLifecycleSuite("redis");
