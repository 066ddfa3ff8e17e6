"""`python -m website.serve`: serves the sample office page and tells it where Rasa listens.

A static file server from the standard library is enough: the page talks to Rasa's socket.io
channel directly. `/config.js` carries the Rasa URL so the same files work on any host.
"""

from __future__ import annotations

import argparse
import contextlib
import json
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"


class Handler(SimpleHTTPRequestHandler):
    rasa_url = "http://localhost:5005"

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        if self.path.split("?", 1)[0] == "/config.js":
            body = f"window.VIRTUAL_OFFICIAL = {json.dumps({'rasaUrl': self.rasa_url})};\n".encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/javascript; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # access logs would only repeat what the browser asked for


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--rasa-url", default="http://localhost:5005")
    args = parser.parse_args()
    Handler.rasa_url = args.rasa_url
    server = ThreadingHTTPServer((args.host, args.port), partial(Handler, directory=str(STATIC)))
    print(f"website on http://{args.host}:{args.port}/", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
