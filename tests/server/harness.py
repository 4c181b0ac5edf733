"""Test harness for `acmepolicy serve`: starts the real binary on loopback, plays NanoMDM's part (its enqueue
API, including push_error replies and 401 on a wrong key) and a device (check-ins and command reports as real
plists, sent as NanoMDM webhook events). Python standard library only."""

import base64
import hashlib
import hmac
import http.client
import json
import os
import plistlib
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import uuid

from fake_nanomdm import FakeNanoMDM, free_port  # noqa: F401  (re-exported: tests import them from here)

BINARY = os.environ.get("ACMEPOLICY_BIN", "acmepolicy")
SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def nanomdm_time():
    """The current time as NanoMDM writes an event's created_at: RFC 3339 with nanoseconds, trailing zeros
    trimmed (Go's time.RFC3339Nano)."""
    ns = time.time_ns()
    fraction = f"{ns % 1_000_000_000:09d}".rstrip("0")
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ns // 1_000_000_000))
    return stamp + ("." + fraction if fraction else "") + "Z"


def wait_until(predicate, timeout=10.0, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def policy_document(policy_id="corp-acme", name="Corporate ACME", groups=("g-sales",), devices=()):
    return {
        "schema_version": 1,
        "id": policy_id,
        "name": name,
        "server_profile": "generic",
        "payload": {
            "DirectoryURL": "https://acme.example.com/directory",
            "ClientIdentifier": "{{serial_number}}",
            "KeyType": "ECSECPrimeRandom",
            "KeySize": 256,
            "HardwareBound": True,
            "Attest": True,
            "Subject": [[["CN", "{{serial_number}}"]]],
        },
        "targets": {"device_groups": list(groups), "devices": list(devices)},
    }


class Server:
    """The real `acmepolicy serve` on 127.0.0.1 with a temporary SQLite file (or a given database URL)."""

    def __init__(self, workdir, nanomdm=None, hmac_key=None, database=None, extra=(), port=None, token=None,
                 env=None, listen_host="127.0.0.1", inventory=False):
        self.workdir = workdir
        self.port = port or free_port()
        self.database = database or f"sqlite:{os.path.join(workdir, 'acmepolicy.db')}"
        self.token_file = os.path.join(workdir, "acmepolicy.token")
        self.nanomdm = nanomdm
        self.hmac_key = hmac_key
        self.extra = list(extra)
        self.process = None
        self.token = token
        self.log_path = None
        self.env = dict(env or {})  # e.g. ACMEPOLICY_TEST_CLOCK_OFFSET_SECONDS to move the server's clock
        self.listen_host = listen_host
        # The suites about other things see only the commands they cause: the inventory commands
        # (DeviceInformation, ProfileList, CertificateList) are off unless a test asks for them.
        self.inventory = inventory

    def args(self):
        a = [BINARY, "serve", "--listen", f"{self.listen_host}:{self.port}", "--database", self.database,
             "--admin-token-file", self.token_file, "--retry-base-seconds", "0.2", "--retry-max-seconds", "1",
             "--poll-seconds", "0.2"]
        if self.nanomdm:
            flavour = self.nanomdm.flavour
            a += [f"--{flavour}-url", self.nanomdm.url, f"--{flavour}-api-key", self.nanomdm.api_key]
        if self.hmac_key:
            a += ["--webhook-hmac-key", self.hmac_key]
        if not self.inventory and "--inventory-interval-hours" not in self.extra:
            a += ["--inventory-interval-hours", "0"]
        return a + self.extra

    def start(self):
        self.log_path = os.path.join(self.workdir, f"server-{self.port}-{int(time.time() * 1000)}.log")
        log = open(self.log_path, "wb")
        self.process = subprocess.Popen(self.args(), stdout=log, stderr=log, env=dict(os.environ, **self.env))
        log.close()

        def healthy():
            if self.process.poll() is not None:
                raise AssertionError(f"server exited with {self.process.returncode}: {self.log()}")
            try:
                status, _, _ = self.request("GET", "/api/v1/health", auth=False)
                return status == 200
            except OSError:
                return False

        wait_until(healthy, timeout=20, what="server health")
        with open(self.token_file) as f:
            self.token = f.read().strip()
        return self

    def log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self):
        """Stops the server with SIGTERM; a clean stop exits 0 (under sanitizers: no leak or error report)."""
        process, self.process = self.process, None
        if not process:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                raise AssertionError(f"server did not stop on SIGTERM: {self.log()[-3000:]}")
        log = self.log()
        if process.returncode != 0 or "Sanitizer" in log or "runtime error:" in log:
            raise AssertionError(f"server exited with {process.returncode}: {log[-3000:]}")

    def kill9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.process = None

    def connection(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)

    def request(self, method, path, body=None, auth=True, headers=None, raw=None):
        conn = self.connection()
        h = dict(headers or {})
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        if auth and self.token:
            h["Authorization"] = f"Bearer {self.token}"
        try:
            conn.request(method, path, body=data, headers=h)
            response = conn.getresponse()
            payload = response.read()
            return response.status, dict(response.getheaders()), payload
        finally:
            conn.close()

    def api(self, method, path, body=None, expect=None):
        status, headers, payload = self.request(method, "/api/v1" + path, body)
        if expect is not None and status != expect:
            raise AssertionError(f"{method} {path}: expected {expect}, got {status}: {payload[:500]!r}")
        return status, (json.loads(payload) if payload and headers.get("Content-Type", "").startswith(
            "application/json") else payload)


class Device:
    """An enrolled device's side: check-ins and command reports as plists inside NanoMDM webhook events."""

    def __init__(self, server, enrollment_id=None, serial="F2LXK1ABCD", product="iPhone15,2", os_version="17.4.1",
                 hmac_key=None):
        self.server = server
        self.udid = str(uuid.uuid4()).upper()
        self.enrollment_id = enrollment_id or self.udid
        self.serial = serial
        self.product = product
        self.os_version = os_version
        self.hmac_key = hmac_key

    def event(self, topic, message, ack=None):
        raw = base64.b64encode(plistlib.dumps(message)).decode()
        created_at = nanomdm_time()
        ids = {"id": self.enrollment_id, "type": "Device"}
        if ack is None:
            event = {"topic": topic, "event_id": str(uuid.uuid4()), "created_at": created_at,
                     "checkin_event": {"udid": self.udid, "ids": ids, "raw_payload": raw, "url_params": None}}
        else:
            event = {"topic": topic, "event_id": str(uuid.uuid4()), "created_at": created_at,
                     "acknowledge_event": dict(ack, udid=self.udid, ids=ids, raw_payload=raw)}
        return json.dumps(event).encode()

    def send(self, body, signature=None):
        headers = {"Content-Type": "application/json"}
        if self.hmac_key is not None or signature is not None:
            headers["X-Hmac-Signature"] = signature or base64.b64encode(
                hmac.new(self.hmac_key.encode(), body, hashlib.sha256).digest()).decode()
        status, _, payload = self.server.request("POST", "/webhook", raw=body, auth=False, headers=headers)
        return status, payload

    def authenticate(self):
        return self.send(self.event("mdm.Authenticate", {
            "MessageType": "Authenticate", "UDID": self.udid, "SerialNumber": self.serial, "OSVersion": self.os_version,
            "ProductName": self.product, "BuildVersion": "21E236", "DeviceName": "Ana's iPhone",
            "Topic": "com.apple.mgmt.External.e0bd1eac"}))

    def token_update(self):
        return self.send(self.event("mdm.TokenUpdate", {
            "MessageType": "TokenUpdate", "UDID": self.udid, "Token": b"\x01\x02\x03", "PushMagic": "magic",
            "Topic": "com.apple.mgmt.External.e0bd1eac"}))

    def enroll(self):
        for step in (self.authenticate, self.token_update):
            status, payload = step()
            assert status == 200, (status, payload)

    def check_out(self):
        return self.send(self.event("mdm.CheckOut", {"MessageType": "CheckOut", "UDID": self.udid}))

    def report(self, command_uuid, status, error_chain=None, answer=None):
        """Reports a command's result; `answer` adds the command's result keys (e.g. QueryResponses)."""
        message = {"UDID": self.udid, "CommandUUID": command_uuid, "Status": status}
        if error_chain is not None:
            message["ErrorChain"] = error_chain
        message.update(answer or {})
        return self.send(self.event("mdm.Connect", message, ack={"command_uuid": command_uuid, "status": status}))


class TempDir:
    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="acmepolicy-server-test-")
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)


class ServerTestCase(unittest.TestCase):
    """One `acmepolicy serve` per test on a temporary folder, with a started NanoMDM stand-in. `extra` adds
    server options; the PostgreSQL suites override make_database()."""

    extra = ()

    def setUp(self):
        self._tmp = TempDir()
        self.workdir = self._tmp.__enter__()
        self.nanomdm = FakeNanoMDM().start()
        self.server = Server(self.workdir, nanomdm=self.nanomdm, database=self.make_database(),
                             extra=list(self.extra)).start()

    def make_database(self):
        return None

    def tearDown(self):
        try:
            self.nanomdm.stop()
            self.server.stop()
        finally:
            self._tmp.__exit__(None, None, None)
