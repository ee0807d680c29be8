'use strict';
// The node-grpc-js peer client (docs/client-matrix-format.md): lists the
// server's images, runs the scenarios over one grpc-js channel and writes the
// result JSON. Started by ./run; `--help` lists the flags.
const fs = require('fs');
const path = require('path');
const { listImages } = require('./lib/calls');
const { channelOptions } = require('./lib/channel_settings');
const { HELP, UsageError, parseArgs } = require('./lib/command_line');
const { UnavailableError, loadDependencies } = require('./lib/dependencies');
const { runAll } = require('./lib/scenarios');

const PROGRAM = 'node-grpc-js';
const UNAVAILABLE = 3;
const CONNECT_TIMEOUT_MS = 5000;
const MIN_NODE_MAJOR = 18;

// A failure that stops the run before any result: one line, exit 1.
class RunError extends Error {}

function checkRuntime() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < MIN_NODE_MAJOR) {
    throw new UnavailableError(`Node.js ${process.version} is older than v${MIN_NODE_MAJOR}`);
  }
  return loadDependencies();
}

function checkWritable(out) {
  if (fs.existsSync(out) && fs.statSync(out).isDirectory()) {
    throw new RunError(`cannot write --out=${out}: it is a directory`);
  }
  const dir = path.dirname(path.resolve(out));
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    throw new RunError(`cannot write --out=${out}: ${dir} is not a writable directory`);
  }
}

function waitForReady(client, target) {
  return new Promise((resolve, reject) => {
    client.waitForReady(Date.now() + CONNECT_TIMEOUT_MS, (error) => {
      if (error) {
        reject(new RunError(`cannot connect to ${target} within ${CONNECT_TIMEOUT_MS / 1000} s ` +
          '(is the server running?)'));
      } else {
        resolve();
      }
    });
  });
}

// The names N of the contract, from one ListImages call.
async function imageNames(deps, client, target) {
  const outcome = await listImages(deps.grpc, client);
  if (outcome.error) throw new RunError(`ListImages on ${target} failed: ${outcome.error}`);
  const names = outcome.response.image_names;
  if (names.length === 0) throw new RunError(`${target} lists no images`);
  return names;
}

function progressLine(r) {
  const what = r.scenario === 'list' ? 'ListImages' :
    `StreamImages x${r.images_per_stream}`;
  const rate = r.scenario === 'list' ? `${r.calls_per_s.toFixed(1)} calls/s` :
    `${r.images_per_s.toFixed(1)} images/s, ${(r.bytes_per_s / 1e9).toFixed(3)} GB/s`;
  return `${PROGRAM}: ${what} concurrency ${r.concurrency}: ${r.calls} calls, ${rate}, ` +
    `p50 ${(r.latency_us.p50 / 1000).toFixed(2)} ms, ${r.errors} errors`;
}

async function run(args, deps) {
  checkWritable(args.out);
  const options = channelOptions(args.settings, args.grpcArgs);
  const client = new deps.ImageService(args.target, deps.grpc.credentials.createInsecure(),
    options);
  const startedUnixS = Date.now() / 1000;
  try {
    await waitForReady(client, args.target);
    const names = await imageNames(deps, client, args.target);
    const { results, errorSamples } = await runAll(deps.grpc, client, names, args,
      (r) => console.log(progressLine(r)));
    const doc = {
      schema: 'image-client/1',
      stack: PROGRAM,
      library: `@grpc/grpc-js ${deps.versions.grpcJs}`,
      runtime: `Node.js ${process.version}`,
      settings: args.settings,
      channel_options: options,
      target: args.target,
      images_in_set: names.length,
      started_unix_s: startedUnixS,
      ended_unix_s: Date.now() / 1000,
      notes: `one grpc-js channel shared by every call; concurrent calls are async ` +
        `workers on Node's one event loop; messages decoded by @grpc/proto-loader ` +
        `${deps.versions.protoLoader} (protobufjs ${deps.versions.protobufjs})`,
      errors: results.reduce((total, r) => total + r.errors, 0),
      error_samples: errorSamples,
      results,
    };
    try {
      fs.writeFileSync(args.out, `${JSON.stringify(doc, null, 1)}\n`);
    } catch (e) {
      throw new RunError(`cannot write --out=${args.out}: ${e.message}`);
    }
    console.log(`${PROGRAM}: wrote ${args.out} (${doc.errors} errors)`);
  } finally {
    client.close();
  }
}

async function main(argv) {
  let args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`${PROGRAM}: ${e.message}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(HELP);
    return 0;
  }
  let deps;
  try {
    deps = checkRuntime();
  } catch (e) {
    if (!(e instanceof UnavailableError)) throw e;
    if (args.check) {
      console.log(`unavailable: ${e.message}`);
      return UNAVAILABLE;
    }
    console.error(`${PROGRAM}: ${e.message}`);
    return 1;
  }
  if (args.check) return 0;
  try {
    await run(args, deps);
    return 0;
  } catch (e) {
    if (!(e instanceof RunError)) throw e;
    console.error(`${PROGRAM}: ${e.message}`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, (e) => {
  console.error(`${PROGRAM}: unexpected failure: ${String(e && e.stack ? e.stack : e).split('\n')[0]}`);
  process.exitCode = 1;
});
