'use strict';
// The peer client's command line (docs/client-matrix-format.md, "Command
// line"): every argument is --name=value, except the bare flags --quick,
// --check and --help. A bad argument throws a UsageError whose message is the
// one line the user sees.

class UsageError extends Error {}

const SETTINGS = ['default', 'recommended'];

const HELP = `usage: clients/node-grpc-js/run --out=FILE [flags]

The node-grpc-js peer client of the client matrix: runs the scenarios of
docs/client-matrix-format.md against an image_service.ImageService server
with @grpc/grpc-js and writes the result JSON.

  --target=HOST:PORT     server, plaintext (default 127.0.0.1:50051)
  --settings=NAME        default or recommended (default: default)
  --out=FILE             where to write the result JSON (required)
  --quick                the short scenario set, for tests and CI
  --min_time_s=S         each stream scenario runs its calls for at least
                         this long (default 1.0; quick: 0.2)
  --list_calls=N         ListImages calls per concurrency level
                         (default 200; quick: 50)
  --grpc_arg=K=V[,K=V]   extra grpc-js channel options on top of the
                         settings (integer values become numbers), to try
                         transport knobs; recorded in channel_options
  --check                exit 0 if this client can run here, else print
                         'unavailable: <why>' and exit 3
  --help                 this text
`;

function parseNumber(name, text, { integer, min }) {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) ||
      (integer && !Number.isInteger(value)) || value < min) {
    const kind = integer ? 'an integer' : 'a number';
    throw new UsageError(`--${name}=${text}: want ${kind} >= ${min}`);
  }
  return value;
}

// "k=v,k=v" to an object; values that are integers become numbers, as
// grpc-js compares numeric options by type.
function parseGrpcArgs(text) {
  const options = {};
  for (const pair of text.split(',')) {
    const equals = pair.indexOf('=');
    if (equals <= 0) {
      throw new UsageError(`--grpc_arg: '${pair}' is not key=value`);
    }
    const key = pair.slice(0, equals);
    const value = pair.slice(equals + 1);
    options[key] = /^-?\d+$/.test(value) ? Number(value) : value;
  }
  return options;
}

// The parsed arguments: {help, check, target, settings, out, quick,
// minTimeS, listCalls, grpcArgs}.
function parseArgs(argv) {
  const given = {};
  const bare = new Set(['quick', 'check', 'help']);
  const known = new Set([...bare, 'target', 'settings', 'out', 'min_time_s',
    'list_calls', 'grpc_arg']);
  for (const arg of argv) {
    const match = /^--([a-z_]+)(?:=(.*))?$/s.exec(arg);
    if (!match) throw new UsageError(`unexpected argument '${arg}' (see --help)`);
    const [, name, value] = match;
    if (!known.has(name)) throw new UsageError(`unknown flag --${name} (see --help)`);
    if (bare.has(name)) {
      if (value !== undefined) throw new UsageError(`--${name} takes no value`);
      given[name] = true;
    } else if (value === undefined) {
      throw new UsageError(`--${name} needs a value: --${name}=...`);
    } else {
      given[name] = value;
    }
  }
  const quick = Boolean(given.quick);
  const args = {
    help: Boolean(given.help),
    check: Boolean(given.check),
    target: given.target ?? '127.0.0.1:50051',
    settings: given.settings ?? 'default',
    out: given.out,
    quick,
    minTimeS: given.min_time_s === undefined ? (quick ? 0.2 : 1.0) :
      parseNumber('min_time_s', given.min_time_s, { integer: false, min: 0 }),
    listCalls: given.list_calls === undefined ? (quick ? 50 : 200) :
      parseNumber('list_calls', given.list_calls, { integer: true, min: 1 }),
    grpcArgs: given.grpc_arg === undefined ? {} : parseGrpcArgs(given.grpc_arg),
  };
  if (args.help || args.check) return args;
  if (!SETTINGS.includes(args.settings)) {
    throw new UsageError(`--settings=${args.settings}: want default or recommended`);
  }
  if (!/^[^\s:]+:\d+$|^\[[0-9a-fA-F:.]+\]:\d+$/.test(args.target)) {
    throw new UsageError(`--target=${args.target}: want host:port`);
  }
  if (!args.out) throw new UsageError('--out=FILE is required (see --help)');
  return args;
}

module.exports = { HELP, UsageError, parseArgs };
