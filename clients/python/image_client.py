#!/usr/bin/env python3
"""A small Python client for image_service.ImageService (proto/image_service.proto).

It needs grpcio and protobuf, and the message module image_service_pb2
generated from the contract by protoc (nothing is generated at import time):

    protoc --python_out=GEN_DIR -I proto image_service.proto

The build does this into out/clients/python. Put GEN_DIR on PYTHONPATH or pass
--proto_dir=GEN_DIR. No gRPC service stub is needed: the two methods are called
through grpc's generic channel API, so grpcio-tools is not required.

Examples (server started with ./run, i.e. on 127.0.0.1:50051):

    PYTHONPATH=out/clients/python python3 clients/python/image_client.py --list
    PYTHONPATH=out/clients/python python3 clients/python/image_client.py \\
        --names=meadow_640x480.jpg,aerial/coast_1024x768.jpg --out_dir=/tmp/got
    PYTHONPATH=out/clients/python python3 clients/python/image_client.py \\
        --check_dir=images
    PYTHONPATH=out/clients/python python3 clients/python/image_client.py \\
        --repeat=20 --channel_option=grpc.http2.lookahead_bytes=1048576

As a library:

    import grpc, image_client
    channel = grpc.insecure_channel(
        "127.0.0.1:50051", options=image_client.channel_options(max_message_mb=64))
    for info in image_client.list_images(channel).images:
        print(info.name, info.size_in_bytes)
    for image in image_client.stream_images(channel, ["meadow_640x480.jpg"]):
        print(image.name, len(image.content))

Errors are raised as grpc.RpcError (e.g. NOT_FOUND for an unknown name, with
the name in details(); RESOURCE_EXHAUSTED when an image is larger than the
channel's receive limit, which is 4 MiB unless raised). The command line prints
them as one line "image_client: ..." and exits with status 1.
"""

import argparse
import importlib
import os
import sys
import time

import grpc

LIST_IMAGES_METHOD = "/image_service.ImageService/ListImages"
STREAM_IMAGES_METHOD = "/image_service.ImageService/StreamImages"

_pb2 = None  # image_service_pb2, imported on first use.


def messages():
    """Returns the generated image_service_pb2 module, importing it on first use."""
    global _pb2
    if _pb2 is None:
        _pb2 = importlib.import_module("image_service_pb2")
    return _pb2


def channel_options(max_message_mb=64, extra=None):
    """Channel arguments for grpc.insecure_channel(target, options=...).

    max_message_mb: the receive limit in MiB (gRPC's default, 4 MiB, is too
    small for the largest default image); <= 0 means unlimited.
    extra: more channel arguments, {name: value}; they override the limit.
    """
    limit = int(max_message_mb * 1024 * 1024) if max_message_mb > 0 else -1
    options = {"grpc.max_receive_message_length": limit}
    options.update(extra or {})
    return list(options.items())


def list_images(channel, timeout=None):
    """Calls ListImages; returns the ListImagesResponse.

    image_names is sorted; images holds an ImageInfo (name, format,
    size_in_bytes, width, height, channels) per name, in the same order.
    """
    pb2 = messages()
    call = channel.unary_unary(
        LIST_IMAGES_METHOD,
        request_serializer=pb2.ListImagesRequest.SerializeToString,
        response_deserializer=pb2.ListImagesResponse.FromString)
    return call(pb2.ListImagesRequest(), timeout=timeout)


def stream_images(channel, names=(), timeout=None):
    """Calls StreamImages; yields one Image message per image, as it arrives.

    names: image names (as listed by ListImages, '/' separated), in the order
    wanted; repeats are allowed. Empty means every image once, sorted by name.
    The server checks every name before it sends anything, so an unknown name
    raises grpc.RpcError (NOT_FOUND) before the first image.
    Stopping the iteration early leaves the call running until the generator
    is closed or garbage collected, which cancels it.
    """
    pb2 = messages()
    call = channel.unary_stream(
        STREAM_IMAGES_METHOD,
        request_serializer=pb2.StreamImagesRequest.SerializeToString,
        response_deserializer=pb2.StreamImagesResponse.FromString)
    responses = call(pb2.StreamImagesRequest(image_names=list(names)),
                     timeout=timeout)
    try:
        for response in responses:
            yield response.image
    finally:
        responses.cancel()  # No-op once the stream has ended.


class ClientError(Exception):
    """A failure the command line reports as one line and exit status 1."""


def _safe_relative_path(name):
    """The image name as a relative path, refusing names that would escape."""
    parts = name.split("/")
    if not name or name.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise ClientError(f"refusing to write image with unsafe name {name!r}")
    return os.path.join(*parts)


def _write_image(out_dir, image):
    path = os.path.join(out_dir, _safe_relative_path(image.name))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(image.content)


def _first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


class _Checker:
    """Compares received images to the files in a directory (each read once)."""

    def __init__(self, directory):
        self.directory = directory
        self.expected = {}

    def check(self, image):
        path = os.path.join(self.directory, _safe_relative_path(image.name))
        content = self.expected.get(image.name)
        if content is None:
            try:
                with open(path, "rb") as f:
                    content = f.read()
            except OSError as e:
                raise ClientError(f"check failed: received '{image.name}' but "
                                  f"cannot read {path}: {e.strerror}")
            self.expected[image.name] = content
        if image.content != content:
            raise ClientError(
                f"check failed: '{image.name}' differs from {path}: received "
                f"{len(image.content)} bytes, file has {len(content)} bytes, first "
                f"difference at byte {_first_difference(image.content, content)}")
        if image.size_in_bytes != len(image.content):
            raise ClientError(
                f"check failed: '{image.name}' has size_in_bytes "
                f"{image.size_in_bytes} but {len(image.content)} bytes of content")


def _channel_option(text):
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    try:
        return key, int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"value of {key} must be an integer, got {value!r}")


def _parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="image_client",
        description="Lists or streams images from an image_service.ImageService "
                    "server.")
    parser.add_argument("--target", default="127.0.0.1:50051",
                        help="server address, host:port (default %(default)s)")
    parser.add_argument("--proto_dir",
                        help="directory holding the generated image_service_pb2.py "
                             "(e.g. out/clients/python); else it is looked up on "
                             "PYTHONPATH")
    parser.add_argument("--list", action="store_true",
                        help="print ListImages (name, format, size, WxHxC) and exit")
    parser.add_argument("--names", default="",
                        help="comma-separated image names to stream, in order, "
                             "repeats allowed; default: every image")
    parser.add_argument("--out_dir",
                        help="write each received image there, subdirectories kept")
    parser.add_argument("--check_dir",
                        help="compare each received image byte for byte with the "
                             "file of the same name there; exit 1 on a difference")
    parser.add_argument("--repeat", type=int, default=1,
                        help="stream the list this many times (one RPC each, one "
                             "channel) and print images/s and MB/s (10^6 bytes of "
                             "image content per second, wall clock)")
    parser.add_argument("--max_message_mb", type=float, default=64,
                        help="largest message received, in MiB; <= 0 for no limit "
                             "(default %(default)s; gRPC's own default is 4)")
    parser.add_argument("--channel_option", type=_channel_option, action="append",
                        default=[], metavar="KEY=VALUE",
                        help="integer gRPC channel argument, repeatable, e.g. "
                             "grpc.http2.lookahead_bytes=1048576 or "
                             "grpc.http2.bdp_probe=0")
    parser.add_argument("--timeout_s", type=float, default=5,
                        help="seconds to wait for the connection (default "
                             "%(default)s)")
    parser.add_argument("--quiet", action="store_true",
                        help="no line per image, only the summary")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be >= 1")
    if args.timeout_s <= 0:
        parser.error("--timeout_s must be > 0")
    return args


def _run(args):
    if args.proto_dir:
        sys.path.insert(0, os.path.abspath(args.proto_dir))
    try:
        messages()
    except ImportError as e:
        raise ClientError(
            f"cannot import image_service_pb2 ({e}); generate it with "
            "'protoc --python_out=DIR -I proto image_service.proto' and pass "
            "--proto_dir=DIR or put DIR on PYTHONPATH")

    options = channel_options(args.max_message_mb, dict(args.channel_option))
    with grpc.insecure_channel(args.target, options=options) as channel:
        try:
            grpc.channel_ready_future(channel).result(timeout=args.timeout_s)
        except grpc.FutureTimeoutError:
            raise ClientError(f"cannot reach {args.target} within "
                              f"{args.timeout_s:g} s (is the server running?)")

        if args.list:
            try:
                response = list_images(channel)
            except grpc.RpcError as e:
                raise ClientError(f"ListImages failed: {e.code().name}: {e.details()}")
            for info in response.images:
                print(f"{info.name}\t{info.format}\t{info.size_in_bytes}\t"
                      f"{info.width}x{info.height}x{info.channels}")
            return

        names = [n for n in args.names.split(",") if n]
        checker = _Checker(args.check_dir) if args.check_dir else None
        per_image = args.repeat == 1 and not args.quiet
        images = 0
        total_bytes = 0
        start = time.perf_counter()
        try:
            for _ in range(args.repeat):
                for image in stream_images(channel, names):
                    images += 1
                    total_bytes += len(image.content)
                    if checker:
                        checker.check(image)
                    if args.out_dir:
                        _write_image(args.out_dir, image)
                    if per_image:
                        print(f"{image.name}\t{image.format}\t{len(image.content)}\t"
                              f"{image.width}x{image.height}x{image.channels}")
        except grpc.RpcError as e:
            raise ClientError(f"StreamImages failed after {images} images: "
                              f"{e.code().name}: {e.details()}")
        except OSError as e:
            raise ClientError(f"cannot write to {args.out_dir}: {e}")
        seconds = max(time.perf_counter() - start, 1e-9)

    summary = (f"{images} images, {total_bytes / 1e6:.1f} MB in {args.repeat} "
               f"stream(s), {seconds:.3f} s: {images / seconds:.1f} images/s, "
               f"{total_bytes / 1e6 / seconds:.1f} MB/s")
    if checker:
        summary += f"; all identical to the files in {args.check_dir}"
    print(summary)


def main(argv=None):
    args = _parse_args(argv)
    try:
        _run(args)
    except ClientError as e:
        # One line, whatever the server put in its status details.
        print("image_client: " + " ".join(str(e).splitlines()), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
