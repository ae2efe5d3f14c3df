// kafkajs against a Samsa cluster, driven by ClusterMembershipTests.cs: a producer sends <per partition> messages to
// every partition of <topic> (acks=all), then a consumer in a new group reads them all back. The client knows only
// <bootstrap host:port>, one broker; it must find the others through Metadata. Prints one JSON object on stdout
// ({ "produced": n, "consumed": [{ "partition", "offset", "value" }] }); kafkajs logs go to stderr.
//
// usage: node cluster-roundtrip.js <bootstrap host:port> <topic> <partitions> <per partition>
'use strict';

const { Partitioners } = require('kafkajs');
const { exitAfter, client } = require('./client');

const [broker, topic, partitionsArg, perPartitionArg] = process.argv.slice(2);
const partitions = Number(partitionsArg);
const perPartition = Number(perPartitionArg);

exitAfter('cluster-roundtrip.js', 50000);

const kafka = client('samsa-kafkajs-cluster', broker, 5);

async function produce() {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const messages = [];
    for (let p = 0; p < partitions; p++) {
      for (let i = 0; i < perPartition; i++) messages.push({ partition: p, value: `kafkajs-${p}-${i}` });
    }
    await producer.send({ topic, acks: -1, messages });
    return messages.length;
  } finally {
    await producer.disconnect();
  }
}

async function consume(count) {
  const consumer = kafka.consumer({ groupId: `cluster-roundtrip-${Date.now()}`, sessionTimeout: 10000 });
  const consumed = [];
  let finish;
  const done = new Promise((resolve) => { finish = resolve; });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const value = message.value.toString();
      if (!value.startsWith('kafkajs-')) return;
      consumed.push({ partition, offset: message.offset, value });
      if (consumed.length === count) finish();
    },
  });
  await done;
  await consumer.disconnect();
  return consumed;
}

async function main() {
  const produced = await produce();
  const consumed = await consume(produced);
  process.stdout.write(JSON.stringify({ produced, consumed }));
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`cluster-roundtrip.js: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
