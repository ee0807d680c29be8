'use strict';
// The scenario table of docs/client-matrix-format.md, run in its order. A
// scenario at concurrency c runs c async workers on one channel; each makes
// calls back to back until its share of calls is done (list) or the time is
// up (stream), and a call started before the deadline is finished and
// counted.
const { performance } = require('perf_hooks');
const { listImages, streamImages } = require('./calls');
const { summarize } = require('./latency');

const MAX_ERROR_SAMPLES = 5;

// [{scenario, concurrency, imagesPerStream}] in run order.
function plan(quick) {
  const streams1 = quick ? [1, 10, 100] : [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
  const streams8 = quick ? [10, 100] : [1, 10, 100, 1000];
  return [
    { scenario: 'list', concurrency: 1, imagesPerStream: 0 },
    { scenario: 'list', concurrency: 8, imagesPerStream: 0 },
    ...streams1.map((k) => ({ scenario: 'stream', concurrency: 1, imagesPerStream: k })),
    ...streams8.map((k) => ({ scenario: 'stream', concurrency: 8, imagesPerStream: k })),
  ];
}

// Names N[0], N[1], ... N[k-1], cycling through `names`.
function streamNames(names, k) {
  return Array.from({ length: k }, (_, i) => names[i % names.length]);
}

function unixSeconds() {
  return (performance.timeOrigin + performance.now()) / 1000;
}

async function runWorkers(concurrency, call, more) {
  const worker = async (outcomes) => {
    do {
      outcomes.push(await call());
    } while (more());
  };
  const perWorker = Array.from({ length: concurrency }, () => []);
  await Promise.all(perWorker.map(worker));
  return perWorker.flat();
}

// The result object of one scenario (the contract's "results" entries).
function resultOf(step, startedUnixS, endedUnixS, outcomes) {
  const wallS = endedUnixS - startedUnixS;
  const sum = (key) => outcomes.reduce((total, o) => total + o[key], 0);
  const images = sum('images');
  const bytes = sum('bytes');
  const isStream = step.scenario === 'stream';
  const firstImages = outcomes.filter((o) => o.firstImageUs !== null).map((o) => o.firstImageUs);
  const rate = (count) => (wallS > 0 ? count / wallS : 0);
  return {
    scenario: step.scenario,
    rpc: isStream ? 'StreamImages' : 'ListImages',
    concurrency: step.concurrency,
    images_per_stream: step.imagesPerStream,
    calls: outcomes.length,
    errors: outcomes.filter((o) => o.error !== null).length,
    started_unix_s: startedUnixS,
    ended_unix_s: endedUnixS,
    wall_s: wallS,
    images,
    bytes,
    calls_per_s: rate(outcomes.length),
    images_per_s: rate(images),
    bytes_per_s: rate(bytes),
    latency_us: summarize(outcomes.map((o) => o.latencyUs)),
    // A stream scenario whose calls all failed before their first image has
    // no first-image times; the format still wants an object there.
    first_image_us: isStream ? (summarize(firstImages) ?? summarize([0])) : null,
  };
}

// Runs `step`; returns its result and the error lines of its failed calls.
async function runScenario(grpc, client, names, step, options) {
  let call;
  let more;
  if (step.scenario === 'list') {
    let left = options.listCalls - step.concurrency;
    call = () => listImages(grpc, client);
    more = () => left-- > 0;
  } else {
    const requested = streamNames(names, step.imagesPerStream);
    const deadline = performance.now() + options.minTimeS * 1000;
    call = () => streamImages(grpc, client, requested);
    more = () => performance.now() < deadline;
  }
  const startedUnixS = unixSeconds();
  const outcomes = await runWorkers(step.concurrency, call, more);
  const result = resultOf(step, startedUnixS, unixSeconds(), outcomes);
  return { result, errors: outcomes.filter((o) => o.error !== null).map((o) => o.error) };
}

// Every scenario of the plan; `report(result)` is told of each as it ends.
async function runAll(grpc, client, names, options, report) {
  const results = [];
  const errorSamples = [];
  for (const step of plan(options.quick)) {
    const { result, errors } = await runScenario(grpc, client, names, step, options);
    results.push(result);
    errorSamples.push(...errors.slice(0, MAX_ERROR_SAMPLES - errorSamples.length));
    report(result);
  }
  return { results, errorSamples };
}

module.exports = { plan, runAll, streamNames };
