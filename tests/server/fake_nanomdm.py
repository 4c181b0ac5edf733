"""NanoMDM's part in the server tests: its enqueue API with the faults a real one shows (slow answers,
push errors, 5xx, repeated CommandUUIDs, a wrong key). Python standard library only."""

import base64
import http.server
import json
import plistlib
import socket
import threading
import time
import uuid


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeNanoMDM:
    """NanoMDM's enqueue API as documented in its openapi.yaml: PUT /v1/enqueue/{id} with a raw plist body and
    Basic auth nanomdm:KEY; answers an APIResult JSON. `mode` picks the reply: "ok", "push_error" (stored,
    push failed: HTTP 500 with push_error only), "command_error" or "5xx" (503, nothing stored; `fail_next`
    limits it to that many requests). Faults: `delay` seconds before answering (the command is stored
    first, as a slow NanoMDM does; `slow_requests` limits it to that many); `reject_repeated_uuid` answers a CommandUUID it already stored the way
    NanoMDM's storage does (HTTP 500, command_error "duplicate key"). A wrong API key is answered 401
    forever."""

    def __init__(self, api_key="nano-key", port=None, flavour="nanomdm"):
        self.api_key = api_key
        self.flavour = flavour  # "micromdm": POST /v1/commands/{udid}, Basic micromdm:KEY
        self.port = port or free_port()
        self.mode = "ok"
        self.commands = []  # (enrollment id, parsed command plist, raw bytes)
        self.unauthorized = 0
        self.delay = 0.0
        self.slow_requests = None  # with `delay`: only this many requests are slow (None: all)
        self.fail_next = None  # with mode "5xx": fail only this many requests, then answer "ok"
        self.reject_repeated_uuid = False
        self.gate = None  # a threading.Event: requests wait for it (after storing) until it is set
        self.gated_requests = None  # with `gate`: only this many requests wait (None: all)
        self.stored = []  # CommandUUIDs stored, each once
        self.lock = threading.Lock()
        self.server = None

    def start(self):
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                if fake.flavour != "micromdm" or not self.path.startswith("/v1/commands/"):
                    self.send_response(405)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.do_PUT()

            def do_PUT(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                expected = "Basic " + base64.b64encode(f"{fake.flavour}:{fake.api_key}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    with fake.lock:
                        fake.unauthorized += 1
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="nanomdm"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                prefix = "/v1/enqueue/" if fake.flavour == "nanomdm" else "/v1/commands/"
                if not self.path.startswith(prefix) or (fake.flavour == "nanomdm") != (self.command == "PUT"):
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                enrollment = self.path[len(prefix):]
                command = plistlib.loads(body)
                with fake.lock:
                    fake.commands.append((enrollment, command, body))
                    mode = fake.mode
                    if mode == "5xx" and fake.fail_next is not None:
                        if fake.fail_next <= 0:
                            mode = "ok"
                        else:
                            fake.fail_next -= 1
                    uuid_ = command.get("CommandUUID")
                    repeated = uuid_ in fake.stored
                    if mode in ("ok", "push_error") and not repeated:
                        fake.stored.append(uuid_)
                    delay = fake.delay
                    if delay and fake.slow_requests is not None:
                        if fake.slow_requests <= 0:
                            delay = 0
                        else:
                            fake.slow_requests -= 1
                if delay:
                    time.sleep(delay)
                gate = fake.gate
                with fake.lock:
                    if gate is not None and fake.gated_requests is not None:
                        if fake.gated_requests <= 0:
                            gate = None
                        else:
                            fake.gated_requests -= 1
                if gate is not None:
                    gate.wait(60)
                if mode == "5xx":
                    self.send_response(503)
                    self.send_header("Content-Length", "11")
                    self.end_headers()
                    self.wfile.write(b"unavailable")
                    return
                if repeated and fake.reject_repeated_uuid:
                    error = 'pq: duplicate key value violates unique constraint "commands_pkey"'
                    data = json.dumps({"command_uuid": uuid_, "status": {enrollment: {"command_error": error}},
                                       "command_error": error}).encode()
                    self.send_response(500)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                result = {"command_uuid": command.get("CommandUUID"),
                          "request_type": command.get("Command", {}).get("RequestType")}
                status = 200
                if mode == "push_error":
                    result["status"] = {enrollment: {"push_error": "no push info for id"}}
                    result["push_error"] = "all pushes failed"
                    status = 500
                elif mode == "command_error":
                    result["status"] = {enrollment: {"command_error": "enrollment not found"}}
                    result["command_error"] = "all commands failed"
                    status = 500
                else:
                    result["status"] = {enrollment: {"push_result": str(uuid.uuid4()).upper()}}
                data = json.dumps(result).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self.gate is not None:
            self.gate.set()  # a held request answers, so the server under test can stop
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def received(self, request_type=None):
        with self.lock:
            return [c for c in self.commands
                    if request_type is None or c[1].get("Command", {}).get("RequestType") == request_type]
