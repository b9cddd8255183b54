"""A webhook receiver for the notification tests: python3 webhook_receiver.py PORT_FILE OUT_DIR.

Listens on a free loopback port (written to PORT_FILE once listening) and writes each POST it
gets to OUT_DIR/<n>.json as {"path", "headers", "body"}; answers 204, or 500 while the file
OUT_DIR/fail exists. Standard library only.
"""
import http.server
import json
import os
import sys

PORT_FILE, OUT_DIR = sys.argv[1], sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    count = 0

    def do_POST(self):  # noqa: N802 (the standard library's name)
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8", "replace")
        if os.path.exists(os.path.join(OUT_DIR, "fail")):
            self.send_response(500)
            self.end_headers()
            return
        Handler.count += 1
        record = {"path": self.path, "headers": dict(self.headers.items()), "body": body}
        tmp = os.path.join(OUT_DIR, f"{Handler.count}.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.rename(tmp, os.path.join(OUT_DIR, f"{Handler.count}.json"))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(PORT_FILE + ".tmp", "w", encoding="utf-8") as f:
    f.write(str(server.server_address[1]))
os.rename(PORT_FILE + ".tmp", PORT_FILE)
server.serve_forever()
