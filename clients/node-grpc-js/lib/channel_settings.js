'use strict';
// The channel options of each --settings (docs/client-matrix-format.md,
// "Settings").

const MIB = 1024 * 1024;

// The contract's one change from grpc-js's defaults: the default image set
// holds an image over grpc-js's 4 MiB receive limit.
const DEFAULT_OPTIONS = { 'grpc.max_receive_message_length': 64 * MIB };

// grpc-js 1.14 has no frame-size, BDP-probe or read-buffer options: the
// transport is Node's http2 module, and grpc-js passes it only the window.
// 'grpc-node.flow_control_window' sets both the initial stream window
// (SETTINGS_INITIAL_WINDOW_SIZE) and the connection window, which Node
// otherwise leaves at HTTP/2's 64 KiB: a 64 KiB window lets the server send
// one fifth of a typical image before it must wait a round trip for the
// client's WINDOW_UPDATE.
const RECOMMENDED_OPTIONS = {
  ...DEFAULT_OPTIONS,
  'grpc-node.flow_control_window': 4 * MIB,
};

function channelOptions(settings, extra) {
  const base = settings === 'recommended' ? RECOMMENDED_OPTIONS : DEFAULT_OPTIONS;
  return { ...base, ...extra };
}

module.exports = { channelOptions };
