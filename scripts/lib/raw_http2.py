"""A deliberately minimal HTTP/2 client for hostile-client tests: it speaks
just enough of the protocol (preface, SETTINGS, HEADERS with literal HPACK,
DATA, RST_STREAM) to do what well-behaved gRPC libraries refuse to do, such
as opening streams and never granting flow-control window, or resetting each
stream as soon as it is opened.

The frames it sends are the ones RFC 9113 describes; it reads and discards
what the server sends, answering SETTINGS and PING so that the server keeps
the connection.
"""
import socket
import struct
import threading

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, RST_STREAM, SETTINGS, PING, GOAWAY, WINDOW_UPDATE = 0, 1, 3, 4, 6, 7, 8
END_STREAM, ACK, END_HEADERS = 0x1, 0x1, 0x4
CANCEL = 0x8


def frame(kind, flags, stream_id, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + \
        struct.pack(">I", stream_id & 0x7FFFFFFF) + payload


def _hpack_length(length):
    """HPACK integer with a 7-bit prefix, no Huffman coding."""
    if length < 127:
        return bytes([length])
    out = bytearray([127])
    length -= 127
    while length >= 128:
        out.append((length & 0x7F) | 0x80)
        length >>= 7
    out.append(length)
    return bytes(out)


def literal_headers(headers):
    """Header block of 'literal without indexing, new name' fields."""
    block = bytearray()
    for name, value in headers:
        block += b"\x00" + _hpack_length(len(name)) + name.encode() + \
            _hpack_length(len(value)) + value.encode()
    return bytes(block)


def grpc_message(payload):
    return b"\x00" + struct.pack(">I", len(payload)) + payload


def request_headers(authority, path):
    return literal_headers([(":method", "POST"), (":scheme", "http"), (":path", path),
                            (":authority", authority), ("content-type", "application/grpc"),
                            ("te", "trailers")])


class Connection:
    """One HTTP/2 connection. Stream ids are odd and increase, as clients' must."""

    def __init__(self, host, port, timeout=10):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.authority = f"{host}:{port}"
        self.next_stream = 1
        self.closed = threading.Event()
        self.goaway = None
        self.resets = 0
        self._send_lock = threading.Lock()
        self.send(PREFACE + frame(SETTINGS, 0, 0))
        self._reader = threading.Thread(target=self._read_forever, daemon=True)
        self._reader.start()

    def send(self, data):
        with self._send_lock:
            self.sock.sendall(data)

    def _read_exactly(self, count):
        data = bytearray()
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return bytes(data)

    def _read_forever(self):
        try:
            while True:
                head = self._read_exactly(9)
                length = int.from_bytes(head[:3], "big")
                kind, flags = head[3], head[4]
                payload = self._read_exactly(length)
                if kind == SETTINGS and not flags & ACK:
                    self.send(frame(SETTINGS, ACK, 0))
                elif kind == PING and not flags & ACK:
                    self.send(frame(PING, ACK, 0, payload))
                elif kind == GOAWAY:
                    self.goaway = int.from_bytes(payload[4:8], "big")
                elif kind == RST_STREAM:
                    self.resets += 1
        except (OSError, ConnectionError):
            pass
        finally:
            self.closed.set()

    def open_stream(self, path, message=None, end_stream=True):
        """HEADERS (and a DATA frame with `message` as one gRPC message); the
        stream id used. The client grants no window beyond the default."""
        stream_id = self.next_stream
        self.next_stream += 2
        data = frame(HEADERS, END_HEADERS, stream_id, request_headers(self.authority, path))
        if message is not None:
            data += frame(DATA, END_STREAM if end_stream else 0, stream_id,
                          grpc_message(message))
        self.send(data)
        return stream_id

    def headers_then_reset(self, path, count):
        """`count` streams, each opened and cancelled at once ("rapid reset"),
        sent in batches so that the server sees them back to back."""
        batch = bytearray()
        for _ in range(count):
            stream_id = self.next_stream
            self.next_stream += 2
            batch += frame(HEADERS, END_HEADERS, stream_id,
                           request_headers(self.authority, path))
            batch += frame(RST_STREAM, 0, stream_id, struct.pack(">I", CANCEL))
            if len(batch) > 64 * 1024:
                self.send(bytes(batch))
                batch.clear()
        if batch:
            self.send(bytes(batch))

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self._reader.join(timeout=5)
