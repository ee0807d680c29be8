"""python-grpcio: how the blocking grpcio API makes the peer client's calls.

One grpc.insecure_channel for the whole process, shared by every call; a
unary_unary callable for ListImages and a unary_stream one for StreamImages,
through the generic channel API (as image_client.py does), so no grpcio-tools
stub is needed. Concurrency C is C threads, each making calls back to back.
peer_client.py drives it (Client, LIBRARY, NOTES).
"""
import threading

import grpc

import image_service_pb2 as pb2
from image_client import LIST_IMAGES_METHOD, STREAM_IMAGES_METHOD

LIBRARY = f"grpcio {grpc.__version__}"
NOTES = ("blocking grpcio API: one channel shared by every call; concurrency C "
         "= C threads")


class Client:
    def __init__(self, target, options):
        self.target = target
        self._channel = grpc.insecure_channel(target, options=options)
        self._list = self._channel.unary_unary(
            LIST_IMAGES_METHOD,
            request_serializer=pb2.ListImagesRequest.SerializeToString,
            response_deserializer=pb2.ListImagesResponse.FromString)
        self._stream = self._channel.unary_stream(
            STREAM_IMAGES_METHOD,
            request_serializer=pb2.StreamImagesRequest.SerializeToString,
            response_deserializer=pb2.StreamImagesResponse.FromString)

    def connect(self, timeout_s):
        try:
            grpc.channel_ready_future(self._channel).result(timeout=timeout_s)
        except grpc.FutureTimeoutError:
            raise ConnectionError(f"cannot reach {self.target} within {timeout_s} s "
                                  "(is the server running?)") from None

    def list_names(self):
        try:
            return list(self._list(pb2.ListImagesRequest()).image_names)
        except grpc.RpcError as e:
            raise ConnectionError(f"ListImages on {self.target} failed: "
                                  f"{e.code().name}: {e.details()}") from None

    def run(self, scenario):
        if scenario.names is None:
            work = (self._list_call, pb2.ListImagesRequest())
        else:
            work = (self._stream_call,
                    pb2.StreamImagesRequest(image_names=scenario.names))
        if scenario.concurrency == 1:
            self._worker(scenario, *work)
            return
        threads = [threading.Thread(target=self._worker, args=(scenario, *work))
                   for _ in range(scenario.concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def close(self):
        self._channel.close()

    @staticmethod
    def _worker(scenario, call, request):
        while scenario.take():
            call(scenario.begin(), request)

    def _list_call(self, timer, request):
        try:
            self._list(request)
        except grpc.RpcError as e:
            timer.failed(e.code().name, e.details())
        else:
            timer.done()

    def _stream_call(self, timer, request):
        try:
            for response in self._stream(request):
                timer.image(response.image)
        except grpc.RpcError as e:
            timer.failed(e.code().name, e.details())
        else:
            timer.done()
