'use strict';
// The channel options of each --settings (docs/client-matrix-format.md,
// "Settings").

const MIB = 1024 * 1024;

// The contract's one change from grpc-js's defaults: the default image set
// holds an image over grpc-js's 4 MiB receive limit.
const DEFAULT_OPTIONS = { 'grpc.max_receive_message_length': 64 * MIB };

// The window is the one transport knob grpc-js 1.14 passes to Node's http2
// module: it has no options for the frame size (Node then accepts 16 KiB
// DATA frames), BDP probing or read buffers, and it already lifts Node's
// session memory limit ('grpc-node.max_session_memory') by default.
// 'grpc-node.flow_control_window' sets the initial stream window
// (SETTINGS_INITIAL_WINDOW_SIZE) and the connection window, which otherwise
// stay at HTTP/2's 64 KiB, a small part of one image: the server then waits
// many times per image for a WINDOW_UPDATE, which Node sends as JavaScript
// reads the bytes, and 8 streams share one 64 KiB connection window.
const RECOMMENDED_OPTIONS = {
  ...DEFAULT_OPTIONS,
  'grpc-node.flow_control_window': 4 * MIB,
};

function channelOptions(settings, extra) {
  const base = settings === 'recommended' ? RECOMMENDED_OPTIONS : DEFAULT_OPTIONS;
  return { ...base, ...extra };
}

module.exports = { channelOptions };
