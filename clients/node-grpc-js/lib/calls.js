'use strict';
// One ListImages or StreamImages call, timed and checked as the contract
// says ("Scenarios"). Each resolves (never rejects) to an outcome:
// {latencyUs, firstImageUs, images, bytes, error}, where `error` is null or
// the one line that goes to error_samples.
const { performance } = require('perf_hooks');

const MAX_SAMPLE_CHARS = 200;
// Long enough for the largest stream of a full run on a slow machine; a
// server that stops answering then costs one counted error, not a hung run.
const CALL_DEADLINE_MS = 120000;

function clip(text) {
  return text.length <= MAX_SAMPLE_CHARS ? text : `${text.slice(0, MAX_SAMPLE_CHARS - 3)}...`;
}

// "CODE_NAME: message" for a failed call.
function statusLine(grpc, error) {
  const name = Object.keys(grpc.status).find((key) => grpc.status[key] === error.code);
  return clip(`${name ?? `code ${error.code}`}: ${error.details ?? error.message}`);
}

function deadline() {
  return Date.now() + CALL_DEADLINE_MS;
}

function listImages(grpc, client) {
  return new Promise((resolve) => {
    const start = performance.now();
    client.ListImages({}, { deadline: deadline() }, (error, response) => {
      const latencyUs = (performance.now() - start) * 1000;
      resolve({
        latencyUs, firstImageUs: null, images: 0, bytes: 0, response,
        error: error ? statusLine(grpc, error) : null,
      });
    });
  });
}

// Why `image`, the `index`-th of the stream, is not the one asked for; null
// when it is.
function imageProblem(image, index, names) {
  if (index >= names.length) return `image ${index + 1} arrived; ${names.length} were asked for`;
  if (!image) return `response ${index + 1} has no image`;
  if (image.name !== names[index]) {
    return `image ${index + 1} is named '${image.name}', want '${names[index]}'`;
  }
  if (image.content.length !== image.size_in_bytes) {
    return `image '${image.name}' has ${image.content.length} bytes of content, ` +
      `size_in_bytes says ${image.size_in_bytes}`;
  }
  return null;
}

function streamImages(grpc, client, names) {
  return new Promise((resolve) => {
    const start = performance.now();
    let firstImageUs = null;
    let images = 0;
    let bytes = 0;
    let problem = null;
    let finished = false;
    const finish = (statusError) => {
      if (finished) return;
      finished = true;
      if (!statusError && !problem && images !== names.length) {
        problem = `the stream ended after ${images} of ${names.length} images`;
      }
      const error = statusError ? statusLine(grpc, statusError) : problem && clip(problem);
      resolve({ latencyUs: (performance.now() - start) * 1000, firstImageUs, images, bytes, error });
    };
    const call = client.StreamImages({ image_names: names }, { deadline: deadline() });
    call.on('data', (response) => {
      if (images === 0) firstImageUs = (performance.now() - start) * 1000;
      const image = response.image;
      problem = problem ?? imageProblem(image, images, names);
      images += 1;
      bytes += image ? image.content.length : 0;
    });
    // 'end' follows the OK status once every message has been read; a
    // failed call emits 'error' with its status instead.
    call.on('end', () => finish(null));
    call.on('error', (error) => finish(error));
  });
}

module.exports = { imageProblem, listImages, streamImages, statusLine };
