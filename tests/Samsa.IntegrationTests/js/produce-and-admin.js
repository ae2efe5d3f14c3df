// kafkajs against a Samsa broker, driven by KafkajsTests.cs: an admin client lists, creates and describes a
// topic, a producer sends keyed messages with headers (plain and gzip) to chosen partitions, and the admin client
// reads the partition offsets. Prints one JSON object on stdout; kafkajs logs go to stderr. No consumer: kafkajs
// consumes only in a consumer group.
//
// usage: node produce-and-admin.js <bootstrap host:port> <topic> <partitions> <messages per partition>
'use strict';

const { CompressionTypes, Partitioners } = require('kafkajs');
const { exitAfter, client } = require('./client');

const [broker, topic, partitionsArg, perPartitionArg] = process.argv.slice(2);
const partitions = Number(partitionsArg);
const perPartition = Number(perPartitionArg);

exitAfter('produce-and-admin.js', 45000);

const kafka = client('samsa-kafkajs-test', broker, 3);

function messages(compressed) {
  const list = [];
  for (let p = 0; p < partitions; p++) {
    for (let i = 0; i < perPartition / 2; i++) {
      const n = compressed ? perPartition / 2 + i : i;
      list.push({
        partition: p,
        key: `key-${p}-${n}`,
        value: `value-${p}-${n}`,
        headers: { source: 'kafkajs', n: String(n) },
      });
    }
  }
  return list;
}

async function main() {
  const admin = kafka.admin();
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  const out = {};
  await admin.connect();
  try {
    out.topicsBefore = await admin.listTopics();
    out.created = await admin.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    out.createdAgain = await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] });
    out.topicsAfter = await admin.listTopics();
    out.metadata = await admin.fetchTopicMetadata({ topics: [topic] });

    await producer.connect();
    try {
      out.plain = await producer.send({ topic, acks: -1, messages: messages(false) });
      out.gzip = await producer.send({
        topic, acks: -1, compression: CompressionTypes.GZIP, messages: messages(true),
      });
    } finally {
      await producer.disconnect();
    }

    out.offsets = await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect();
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`produce-and-admin.js failed: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
