"""Evidence kept on the lane box: plate crops and frames, addressed by their SHA-256.

Why content addressing: a read event carries only ``crop_sha256`` /
``frame_sha256`` (a few bytes on a narrow uplink); the centre or an officer's
console fetches the JPEG from the lane when somebody looks, and the hash proves
the picture is the one the decision was made on. Disk is bounded: the oldest
files are pruned first when the budget is exceeded.

The HTTP server is read-only (GET ``/evidence/<sha256>.jpg``, nothing else) and
binds to the lane's management address; it runs in its own thread so a slow
client never holds up plate reading.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from collections import OrderedDict
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import cv2

from edge.reader.base import Frame

log = logging.getLogger(__name__)

_PATH = re.compile(r"^/evidence/([0-9a-f]{64})\.jpg$")


def encode_jpeg(image: Frame, quality: int = 85) -> bytes:
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("image could not be encoded as JPEG")
    return bytes(buf.tobytes())


class EvidenceStore:
    """JPEG files under ``root/<aa>/<sha256>.jpg`` with a disk budget (oldest pruned first)."""

    def __init__(self, root: Path, *, max_bytes: int) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes
        self.pruned = 0
        self._lock = threading.Lock()
        # sha -> size, in age order: rebuilt from the files' mtimes at start.
        self._files: OrderedDict[str, int] = OrderedDict()
        found = []
        for path in self.root.glob("*/*.jpg"):
            st = path.stat()
            found.append((st.st_mtime_ns, path.stem, st.st_size))
        for _, sha, size in sorted(found):
            self._files[sha] = size
        self._bytes = sum(self._files.values())

    def path_for(self, sha: str) -> Path:
        return self.root / sha[:2] / f"{sha}.jpg"

    def put(self, jpeg: bytes) -> str:
        """Store one JPEG (idempotent) and return its SHA-256 hex digest."""
        sha = hashlib.sha256(jpeg).hexdigest()
        with self._lock:
            if sha in self._files:
                self._files.move_to_end(sha)
                return sha
            path = self.path_for(sha)
            path.parent.mkdir(exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(jpeg)
            os.replace(tmp, path)
            self._files[sha] = len(jpeg)
            self._bytes += len(jpeg)
            self._prune()
        return sha

    def put_image(self, image: Frame) -> str:
        return self.put(encode_jpeg(image))

    def get(self, sha: str) -> bytes | None:
        try:
            return self.path_for(sha).read_bytes()
        except (FileNotFoundError, ValueError):
            return None

    @property
    def bytes_used(self) -> int:
        return self._bytes

    def _prune(self) -> None:
        while self._bytes > self.max_bytes and len(self._files) > 1:
            sha, size = self._files.popitem(last=False)
            self.path_for(sha).unlink(missing_ok=True)
            self._bytes -= size
            self.pruned += 1


class _Handler(BaseHTTPRequestHandler):
    store: EvidenceStore
    server_version = "smartgate-edge-evidence/1"

    def do_GET(self) -> None:
        m = _PATH.match(self.path.split("?", 1)[0])
        data = self.store.get(m.group(1)) if m else None
        if data is None:
            self.send_error(HTTPStatus.NOT_FOUND, "no such evidence")
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(data)

    def do_HEAD(self) -> None:
        self.do_GET()

    def _refuse(self) -> None:
        self.send_error(HTTPStatus.METHOD_NOT_ALLOWED, "read-only")

    do_POST = do_PUT = do_DELETE = do_PATCH = _refuse

    def log_message(self, format: str, *args: object) -> None:
        log.debug("evidence http: " + format, *args)


class EvidenceServer:
    """``GET /evidence/<sha256>.jpg`` over HTTP in a daemon thread."""

    def __init__(self, store: EvidenceStore, *, host: str = "127.0.0.1", port: int = 0) -> None:
        handler = type("EvidenceHandler", (_Handler,), {"store": store})
        self._httpd = ThreadingHTTPServer((host, port), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="evidence-http",
                                        daemon=True)

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def start(self) -> EvidenceServer:
        self._thread.start()
        log.info("evidence served on http://%s:%d/evidence/", *self._httpd.server_address[:2])
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)
