// kafkajs with acks=0 against a Samsa broker, driven by AcksZeroTests.cs: each round a new producer sends keyed
// messages to a topic of its own and disconnects right after its last send, with nothing acknowledged. The test
// then reads every message back. kafkajs logs go to stderr.
//
// usage: node produce-acks0.js <bootstrap host:port> <topic prefix> <rounds> <messages per round>
'use strict';

const { Kafka, logLevel, Partitioners } = require('kafkajs');

const [broker, prefix, roundsArg, countArg] = process.argv.slice(2);
const rounds = Number(roundsArg);
const count = Number(countArg);

// A hard deadline of its own, so a hang ends the script even if the test's kill never comes.
const deadline = setTimeout(() => {
  process.stderr.write('produce-acks0.js: deadline of 110 s passed\n');
  process.exit(3);
}, 110000);
deadline.unref();

const kafka = new Kafka({
  clientId: 'samsa-kafkajs-acks0',
  brokers: [broker],
  connectionTimeout: 5000,
  requestTimeout: 15000,
  retry: { retries: 3, initialRetryTime: 200 },
  logLevel: logLevel.WARN,
  logCreator: () => ({ namespace, level, log }) => {
    process.stderr.write(`[kafkajs ${level} ${namespace}] ${log.message} ${JSON.stringify(log)}\n`);
  },
});

async function round(topic) {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: true });
  await producer.connect();
  const sends = [];
  const batch = 500;
  for (let start = 0; start < count; start += batch) {
    const messages = [];
    for (let i = start; i < Math.min(count, start + batch); i++) messages.push({ key: `key-${i}`, value: `value-${i}` });
    sends.push(producer.send({ topic, acks: 0, messages }));
  }
  await Promise.all(sends);
  await producer.disconnect();
}

async function main() {
  for (let r = 0; r < rounds; r++) await round(prefix + r);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`produce-acks0.js: ${error.stack || error}\n`);
    process.exit(1);
  },
);
