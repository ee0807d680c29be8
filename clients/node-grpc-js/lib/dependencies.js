'use strict';
// The npm packages and the proto file, loaded on demand so that --help and
// --check work (and say why) when `setup` has not installed node_modules.
const fs = require('fs');
const path = require('path');

const CLIENT_DIR = path.resolve(__dirname, '..');
const PROTO_FILE = path.resolve(CLIENT_DIR, '..', '..', 'proto', 'image_service.proto');

// Thrown when the client cannot run here; `run --check` prints the message
// after 'unavailable: '.
class UnavailableError extends Error {}

function packageVersion(name) {
  return require(`${name}/package.json`).version;
}

// {grpc, ImageService, versions: {grpcJs, protoLoader, protobufjs}}; the
// service client class comes from proto/image_service.proto, read now.
function loadDependencies() {
  let grpc;
  let protoLoader;
  try {
    grpc = require('@grpc/grpc-js');
    protoLoader = require('@grpc/proto-loader');
  } catch (e) {
    throw new UnavailableError(
      `@grpc/grpc-js or @grpc/proto-loader is not installed in ` +
      `${path.join(CLIENT_DIR, 'node_modules')} (run clients/node-grpc-js/setup)`);
  }
  if (!fs.existsSync(PROTO_FILE)) {
    throw new UnavailableError(`${PROTO_FILE} is missing`);
  }
  // keepCase: the field names of the .proto (image_names, size_in_bytes);
  // defaults: a proto3 field left at its zero value arrives as that value,
  // not undefined (an empty image still has content of length 0).
  const definition = protoLoader.loadSync(PROTO_FILE, {
    keepCase: true, defaults: true, longs: Number, enums: String,
  });
  const ImageService = grpc.loadPackageDefinition(definition).image_service.ImageService;
  return {
    grpc,
    ImageService,
    versions: {
      grpcJs: packageVersion('@grpc/grpc-js'),
      protoLoader: packageVersion('@grpc/proto-loader'),
      protobufjs: packageVersion('protobufjs'),
    },
  };
}

module.exports = { UnavailableError, loadDependencies };
