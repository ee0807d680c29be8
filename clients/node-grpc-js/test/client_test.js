'use strict';
// Unit tests of the parts of the client that need no server and no npm
// packages: the command line, the latency summary, the scenario plan and the
// image checks. Run: node --test clients/node-grpc-js/test/client_test.js
const assert = require('node:assert/strict');
const test = require('node:test');
const { UsageError, parseArgs } = require('../lib/command_line');
const { nearestRank, summarize } = require('../lib/latency');
const { plan, streamNames } = require('../lib/scenarios');
const { imageProblem } = require('../lib/calls');

test('defaults follow the contract, quick shortens them', () => {
  const full = parseArgs(['--out=r.json']);
  assert.equal(full.target, '127.0.0.1:50051');
  assert.equal(full.settings, 'default');
  assert.equal(full.minTimeS, 1.0);
  assert.equal(full.listCalls, 200);
  const quick = parseArgs(['--out=r.json', '--quick']);
  assert.equal(quick.minTimeS, 0.2);
  assert.equal(quick.listCalls, 50);
  assert.equal(parseArgs(['--out=r.json', '--quick', '--min_time_s=0.05']).minTimeS, 0.05);
});

test('bad arguments give one line naming the argument', () => {
  const cases = [
    [['--out=r.json', '--settings=fast'], /--settings=fast: want default or recommended/],
    [['--out=r.json', '--list_calls=0'], /--list_calls=0: want an integer >= 1/],
    [['--out=r.json', '--min_time_s=soon'], /--min_time_s=soon: want a number/],
    [['--out=r.json', '--target=nowhere'], /--target=nowhere: want host:port/],
    [['--out=r.json', '--colour=red'], /unknown flag --colour/],
    [['--quick'], /--out=FILE is required/],
    [['--out'], /--out needs a value/],
    [['--out=r.json', 'extra'], /unexpected argument 'extra'/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(() => parseArgs(argv), (e) => e instanceof UsageError && message.test(e.message),
      argv.join(' '));
  }
});

test('--grpc_arg makes integers numbers and keeps strings', () => {
  const args = parseArgs(['--out=r.json',
    '--grpc_arg=grpc-node.flow_control_window=4194304,grpc.primary_user_agent=x']);
  assert.deepEqual(args.grpcArgs,
    { 'grpc-node.flow_control_window': 4194304, 'grpc.primary_user_agent': 'x' });
});

test('percentiles are nearest-rank', () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(nearestRank(sorted, 50), 50);
  assert.equal(nearestRank(sorted, 99), 99);
  assert.equal(nearestRank([7], 99), 7);
  assert.deepEqual(summarize([30, 10, 20]), { min: 10, p50: 20, p90: 30, p99: 30, max: 30, mean: 20 });
  assert.equal(summarize([]), null);
});

test('the plan is the contract table, in order', () => {
  const steps = plan(true).map((s) => `${s.scenario}/${s.concurrency}/${s.imagesPerStream}`);
  assert.deepEqual(steps, ['list/1/0', 'list/8/0', 'stream/1/1', 'stream/1/10', 'stream/1/100',
    'stream/8/10', 'stream/8/100']);
  const full = plan(false).filter((s) => s.scenario === 'stream');
  assert.deepEqual(full.filter((s) => s.concurrency === 1).map((s) => s.imagesPerStream),
    [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]);
  assert.deepEqual(full.filter((s) => s.concurrency === 8).map((s) => s.imagesPerStream),
    [1, 10, 100, 1000]);
});

test('stream names cycle through the listed names', () => {
  assert.deepEqual(streamNames(['a', 'b', 'c'], 5), ['a', 'b', 'c', 'a', 'b']);
  assert.deepEqual(streamNames(['a', 'b', 'c'], 2), ['a', 'b']);
});

test('each received image is checked against the request', () => {
  const names = ['a.png', 'b.jpg'];
  const image = (name, length, size) => ({ name, content: Buffer.alloc(length), size_in_bytes: size });
  assert.equal(imageProblem(image('a.png', 3, 3), 0, names), null);
  assert.match(imageProblem(image('b.jpg', 3, 3), 0, names), /named 'b.jpg', want 'a.png'/);
  assert.match(imageProblem(image('b.jpg', 2, 3), 1, names), /2 bytes of content, size_in_bytes says 3/);
  assert.match(imageProblem(image('a.png', 3, 3), 2, names), /image 3 arrived; 2 were asked for/);
  assert.match(imageProblem(null, 0, names), /response 1 has no image/);
});
