// A kafkajs consumer in a group, driven by KafkajsGroupTests.cs: it joins <group>, consumes <count> messages of
// <topic> one at a time, committing each one's next offset before taking the next, then leaves the group. Prints
// one JSON object on stdout ({ "consumed": [{ "partition", "offset", "value" }] }); kafkajs logs go to stderr.
//
// usage: node group-consume.js <bootstrap host:port> <topic> <group> <count>
'use strict';

const { exitAfter, client } = require('./client');

const [broker, topic, groupId, countArg] = process.argv.slice(2);
const count = Number(countArg);

exitAfter('group-consume.js', 50000);

const kafka = client('samsa-kafkajs-group', broker, 5);

async function main() {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 500 });
  const consumed = [];
  let finish;
  const done = new Promise((resolve) => { finish = resolve; });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 1,
    eachMessage: async ({ partition, message }) => {
      if (consumed.length >= count) return;
      consumed.push({ partition, offset: message.offset, value: message.value.toString() });
      const next = (BigInt(message.offset) + 1n).toString();
      await consumer.commitOffsets([{ topic, partition, offset: next }]);
      if (consumed.length === count) finish();
    },
  });
  await done;
  await consumer.disconnect();
  process.stdout.write(JSON.stringify({ consumed }));
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`group-consume.js: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
