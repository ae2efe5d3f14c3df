// What the kafkajs scripts share: a hard deadline of their own, so a hang ends the script even if the test's kill
// never comes, and a kafkajs client for one broker whose logs go to stderr (stdout carries the script's JSON).
'use strict';

const { Kafka, logLevel } = require('kafkajs');

function exitAfter(script, ms) {
  const deadline = setTimeout(() => {
    process.stderr.write(`${script}: deadline of ${ms / 1000} s passed\n`);
    process.exit(3);
  }, ms);
  deadline.unref();
}

function client(clientId, broker, retries) {
  return new Kafka({
    clientId,
    brokers: [broker],
    connectionTimeout: 5000,
    requestTimeout: 15000,
    retry: { retries, initialRetryTime: 200 },
    logLevel: logLevel.WARN,
    logCreator: () => ({ namespace, level, log }) => {
      process.stderr.write(`[kafkajs ${level} ${namespace}] ${log.message} ${JSON.stringify(log)}\n`);
    },
  });
}

module.exports = { exitAfter, client };
