// A countdown task from the SDK on a quorum project's configuration: node quorum-producer.mjs <config file> <tag>
// Prints {"id", "sentAt"} (seconds since the epoch, taken before sending).
import { createClient } from "celery-proto";

const [file, tag] = process.argv.slice(2);
const client = await createClient({ config: file });
try {
  const sentAt = Date.now() / 1000;
  const id = await client.sendTask("quorum_project.tasks.stamp", [tag], {}, { countdown: 2 });
  console.log(JSON.stringify({ id, sentAt }));
} finally {
  await client.close();
}
