"""python-aio: how grpc.aio makes the peer client's calls.

The style earlier Python comparisons used: every call opens its own
grpc.aio.insecure_channel (so its own connection), awaits ListImages or reads
StreamImages with `async for`, and closes the channel. Concurrency C is C
asyncio tasks on one event loop. A call's latency runs from just before its
channel is opened to its status, so it includes connecting. peer_client.py
drives it (Client, LIBRARY, NOTES).
"""
import asyncio

import grpc
import grpc.aio

import image_service_pb2 as pb2
from image_client import LIST_IMAGES_METHOD, STREAM_IMAGES_METHOD

LIBRARY = f"grpcio {grpc.__version__}"
NOTES = ("grpc.aio: a new async channel (and connection) per call, `async for` "
         "over the stream; concurrency C = C asyncio tasks on one event loop; "
         "latency includes opening the channel")


class Client:
    def __init__(self, target, options):
        self.target = target
        self._options = options
        # One loop for the whole run: grpc.aio binds its objects to a loop.
        self._loop = asyncio.new_event_loop()

    def connect(self, timeout_s):
        self._loop.run_until_complete(self._connect(timeout_s))

    def list_names(self):
        return self._loop.run_until_complete(self._list_names())

    def run(self, scenario):
        self._loop.run_until_complete(self._run(scenario))

    def close(self):
        self._loop.close()

    def _channel(self):
        return grpc.aio.insecure_channel(self.target, options=self._options)

    async def _connect(self, timeout_s):
        async with self._channel() as channel:
            try:
                await asyncio.wait_for(channel.channel_ready(), timeout_s)
            except asyncio.TimeoutError:
                raise ConnectionError(f"cannot reach {self.target} within "
                                      f"{timeout_s} s (is the server running?)") from None

    async def _list_names(self):
        async with self._channel() as channel:
            try:
                response = await _list_images(channel)(pb2.ListImagesRequest())
            except grpc.RpcError as e:
                raise ConnectionError(f"ListImages on {self.target} failed: "
                                      f"{e.code().name}: {e.details()}") from None
            return list(response.image_names)

    async def _run(self, scenario):
        if scenario.names is None:
            call, request = self._list_call, pb2.ListImagesRequest()
        else:
            call = self._stream_call
            request = pb2.StreamImagesRequest(image_names=scenario.names)
        await asyncio.gather(*(self._worker(scenario, call, request)
                               for _ in range(scenario.concurrency)))

    @staticmethod
    async def _worker(scenario, call, request):
        while scenario.take():
            await call(scenario.begin(), request)

    async def _list_call(self, timer, request):
        async with self._channel() as channel:
            try:
                await _list_images(channel)(request)
            except grpc.RpcError as e:
                timer.failed(e.code().name, e.details())
            else:
                timer.done()

    async def _stream_call(self, timer, request):
        async with self._channel() as channel:
            try:
                async for response in _stream_images(channel)(request):
                    timer.image(response.image)
            except grpc.RpcError as e:
                timer.failed(e.code().name, e.details())
            else:
                timer.done()


def _list_images(channel):
    return channel.unary_unary(
        LIST_IMAGES_METHOD,
        request_serializer=pb2.ListImagesRequest.SerializeToString,
        response_deserializer=pb2.ListImagesResponse.FromString)


def _stream_images(channel):
    return channel.unary_stream(
        STREAM_IMAGES_METHOD,
        request_serializer=pb2.StreamImagesRequest.SerializeToString,
        response_deserializer=pb2.StreamImagesResponse.FromString)
