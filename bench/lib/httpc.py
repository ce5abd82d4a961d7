"""Minimal HTTP/1.1 pieces shared by the bench clients (standard library only).

The clients measure microseconds, so they speak raw sockets: no client library buffering
between the kernel and the clock.
"""

import json


def chat_body(model, stream, max_tokens=50):
    body = {"model": model, "messages": [{"role": "user", "content": "hello"}],
            "max_tokens": max_tokens}
    if stream:
        body["stream"] = True
    return json.dumps(body, separators=(",", ":"))


def request_bytes(host, port, path, body, key="", headers=None):
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", "Content-Type: application/json",
             f"Content-Length: {len(body.encode())}"]
    if key:
        lines.append(f"Authorization: Bearer {key}")
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


class ResponseReader:
    """Incremental parser of one HTTP/1.1 response (Content-Length or chunked).

    feed(bytes) returns True once the response is complete; leftover bytes (pipelining) are
    not expected by these clients and are an error.
    """

    def __init__(self):
        self.head = b""
        self.status = None
        self.headers = {}
        self.body = bytearray()
        self._raw = bytearray()
        self._in_head = True
        self._length = None
        self._chunked = False
        self._chunk_left = 0
        self._state = "size"  # chunked: size | data | crlf | trailer
        self.chunks = 0  # chunks of a chunked body, the last (empty) one not counted
        self.done = False

    def feed(self, data):
        if self.done:
            raise ValueError("bytes after the end of the response")
        self._raw += data
        if self._in_head:
            end = self._raw.find(b"\r\n\r\n")
            if end < 0:
                if len(self._raw) > 65536:
                    raise ValueError("response header too large")
                return False
            self.head = bytes(self._raw[:end])
            del self._raw[:end + 4]
            self._in_head = False
            lines = self.head.split(b"\r\n")
            self.status = int(lines[0].split(b" ")[1])
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                self.headers[name.strip().lower().decode()] = value.strip().decode()
            if self.headers.get("transfer-encoding", "").lower() == "chunked":
                self._chunked = True
            else:
                self._length = int(self.headers.get("content-length", "0"))
        if self._chunked:
            return self._feed_chunked()
        take = min(len(self._raw), self._length - len(self.body))
        self.body += self._raw[:take]
        del self._raw[:take]
        if len(self.body) == self._length:
            self.done = True
        return self.done

    def _feed_chunked(self):
        raw = self._raw
        while raw:
            if self._state == "size":
                end = raw.find(b"\r\n")
                if end < 0:
                    return False
                self._chunk_left = int(bytes(raw[:end]).split(b";")[0], 16)
                del raw[:end + 2]
                self.chunks += 1 if self._chunk_left else 0
                self._state = "data" if self._chunk_left else "trailer"
            elif self._state == "data":
                take = min(len(raw), self._chunk_left)
                self.body += raw[:take]
                del raw[:take]
                self._chunk_left -= take
                if self._chunk_left == 0:
                    self._state = "crlf"
            elif self._state == "crlf":
                if len(raw) < 2:
                    return False
                del raw[:2]
                self._state = "size"
            else:  # trailer: we send none, expect the empty line
                end = raw.find(b"\r\n")
                if end < 0:
                    return False
                line = bytes(raw[:end])
                del raw[:end + 2]
                if line == b"":
                    self.done = True
                    return True
        return False

    def keep_alive(self):
        return self.headers.get("connection", "").lower() != "close"
