// kafkajs with acks=0 against a Samsa broker, driven by AcksZeroTests.cs: each round a new producer sends keyed
// messages to a topic of its own and disconnects right after its last send, with nothing acknowledged. The test
// then reads every message back. kafkajs logs go to stderr.
//
// usage: node produce-acks0.js <bootstrap host:port> <topic prefix> <rounds> <messages per round>
'use strict';

const { Partitioners } = require('kafkajs');
const { exitAfter, client } = require('./client');

const [broker, prefix, roundsArg, countArg] = process.argv.slice(2);
const rounds = Number(roundsArg);
const count = Number(countArg);

exitAfter('produce-acks0.js', 110000);

const kafka = client('samsa-kafkajs-acks0', broker, 3);

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
