"""Hostile input against `acmepolicy serve`: each attack of the hardening review, and after each one the
server is alive and answering. SQLite; the PostgreSQL suite reruns the store-touching cases."""

import json
import os
import socket
import sqlite3
import sys
import threading
import time
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ServerTestCase, Device, FakeNanoMDM, Server, TempDir, policy_document, wait_until  # noqa: E402


def raw_exchange(port, data, read_timeout=10.0, send_all=True):
    """Sends raw bytes on one connection and returns what the server answered (until it closes)."""
    with socket.create_connection(("127.0.0.1", port), timeout=read_timeout) as s:
        try:
            s.sendall(data) if send_all else s.send(data)
        except OSError:
            pass  # the server may close before taking everything; its answer is what counts
        chunks = []
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                if b"\r\n\r\n" in b"".join(chunks) and b"Connection: close" not in b"".join(chunks):
                    head, _, rest = b"".join(chunks).partition(b"\r\n\r\n")
                    length = [int(line.split(b":")[1]) for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length:")]
                    if length and len(rest) >= length[0]:
                        break
        except (socket.timeout, ConnectionResetError):
            pass
        return b"".join(chunks)


def status_of(answer):
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else None


class HostileTestCase(ServerTestCase):
    def assert_alive(self):
        status, _, body = self.server.request("GET", "/api/v1/health", auth=False)
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)["status"], "ok")
        self.server.api("GET", "/policies", expect=200)
        self.assertIsNone(self.server.process.poll(), "the server process ended")

    def error_code(self, payload):
        return json.loads(payload)["error"]["code"]

    def journal(self):
        """(topic, status, reason, body) of every journaled event, when the store is SQLite."""
        if not self.server.database.startswith("sqlite:"):
            return None
        with sqlite3.connect(self.server.database[len("sqlite:"):]) as db:
            return db.execute("SELECT topic, status, reason, body FROM events ORDER BY id").fetchall()


class DeepAndLargeBodies(HostileTestCase):
    def test_deeply_nested_webhook_is_400_not_a_crash(self):
        body = b"[" * 130_000 + b"]" * 130_000  # about 260 KB, under the 1 MiB cap
        status, _, payload = self.server.request("POST", "/webhook", raw=body, auth=False,
                                                 headers={"Content-Type": "application/json"})
        self.assertEqual(status, 400)
        self.assertEqual(self.error_code(payload), "webhook.invalid_json")
        nested = b'{"topic":"mdm.Connect","x":' + b'{"a":' * 60_000 + b"1" + b"}" * 60_000 + b"}"
        status, _, _ = self.server.request("POST", "/webhook", raw=nested, auth=False)
        self.assertEqual(status, 400)
        self.assert_alive()

    def test_deeply_nested_policy_is_400_not_a_crash(self):
        body = b'{"schema_version":1,"payload":' + b"[" * 77_000 + b"]" * 77_000 + b"}"
        status, _, payload = self.server.request("POST", "/api/v1/policies", raw=body,
                                                 headers={"Content-Type": "application/json"})
        self.assertEqual(status, 400)
        error = json.loads(payload)["error"]
        self.assertEqual(error["code"], "request.invalid_json")
        self.assertEqual(error["diagnostics"][0]["code"], "json.too_deep")
        for path in ("/api/v1/devices", "/api/v1/groups", "/api/v1/client-tokens/verify"):
            status, _, _ = self.server.request("POST", path, raw=b"[" * 100_000)
            self.assertEqual(status, 400, path)
        self.assert_alive()

    def test_duplicate_keys_are_refused(self):
        status, _, payload = self.server.request(
            "POST", "/api/v1/groups", raw=b'{"id":"g1","id":"g2","name":"x"}')
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(payload)["error"]["diagnostics"][0]["code"], "json.duplicate_key")
        self.server.api("GET", "/groups/g1", expect=404)

    def chunked(self, path, size, token=True):
        head = f"POST {path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n"
        if token:
            head += f"Authorization: Bearer {self.server.token}\r\n"
        piece = b"1" * 65536
        chunks = b"".join(b"%x\r\n" % len(piece) + piece + b"\r\n" for _ in range(size // len(piece)))
        return raw_exchange(self.server.port, head.encode() + b"\r\n" + chunks + b"0\r\n\r\n")

    def test_chunked_body_over_the_cap_is_413_while_reading(self):
        for path in ("/api/v1/policies", "/webhook"):
            answer = self.chunked(path, 3 * 1024 * 1024)
            self.assertEqual(status_of(answer), 413, (path, answer[:300]))
            self.assertIn(b"request.too_large", answer)
        # Within the cap, chunked still works.
        answer = self.chunked("/api/v1/groups", 65536 * 2)
        self.assertEqual(status_of(answer), 400, answer[:300])  # read whole, then refused as not JSON
        self.assert_alive()
        _, listing = self.server.api("GET", "/policies", expect=200)
        self.assertEqual(listing["policies"], [])

    def test_declared_length_over_the_cap_and_no_token_are_answered_before_the_body(self):
        # 300 MiB announced, nothing sent: the answer comes at once (the body is never read).
        started = time.monotonic()
        answer = raw_exchange(self.server.port, b"POST /api/v1/policies HTTP/1.1\r\nHost: x\r\n"
                                                b"Content-Length: 314572800\r\n\r\n" + b"{" * 1000)
        self.assertEqual(status_of(answer), 413)
        answer = raw_exchange(self.server.port, b"POST /api/v1/policies HTTP/1.1\r\nHost: x\r\n"
                                                b"Transfer-Encoding: chunked\r\n\r\n10000\r\n" + b"x" * 1000)
        self.assertEqual(status_of(answer), 401)
        self.assertLess(time.monotonic() - started, 5)
        self.assert_alive()


class WrongTypes(HostileTestCase):
    def test_group_with_a_number_id_is_422(self):
        status, body = self.server.api("POST", "/groups", {"id": 1})
        self.assertEqual((status, body["error"]["code"]), (422, "group.invalid"))
        status, body = self.server.api("PUT", "/groups/g1/members", {"id": 1, "devices": []})
        self.assertEqual(status, 409)
        status, body = self.server.api("POST", "/groups", {"id": "g1", "devices": [1]})
        self.assertEqual(status, 422)
        status, body = self.server.api("POST", "/devices", {"id": 5})
        self.assertEqual(status, 422)
        status, body = self.server.api("POST", "/client-tokens/verify", {"policy_id": 1, "device_id": "d", "token": "t"})
        self.assertEqual(status, 422)
        self.assert_alive()

    def test_webhook_fields_of_the_wrong_type_are_400_and_journaled_as_rejected(self):
        bad_events = [
            {"topic": 7},
            {"topic": "mdm.Authenticate", "checkin_event": {"udid": 12, "ids": {"id": "x"}}},
            {"topic": "mdm.Authenticate", "checkin_event": {"udid": "U", "ids": {"id": 1}}},
            {"topic": "mdm.Authenticate", "checkin_event": {"ids": "x"}},
            {"topic": "mdm.Connect", "acknowledge_event": {"command_uuid": ["x"], "status": "Acknowledged"}},
            {"topic": "mdm.Connect", "acknowledge_event": "nope"},
            {"topic": "mdm.Connect", "event_id": 5},
            ["not", "an", "object"],
        ]
        for event in bad_events:
            status, _, payload = self.server.request("POST", "/webhook", raw=json.dumps(event).encode(), auth=False)
            self.assertEqual(status, 400, event)
            self.assertEqual(self.error_code(payload), "webhook.invalid", event)
        journal = self.journal()
        if journal is not None:
            self.assertEqual(len(journal), len(bad_events))
            self.assertTrue(all(row[1] == "rejected" and row[2] for row in journal), journal)
        _, devices = self.server.api("GET", "/devices", expect=200)
        self.assertEqual(devices["devices"], [])
        self.assert_alive()


class PathsAndHeaders(HostileTestCase):
    def test_encoded_slash_is_part_of_the_id(self):
        self.server.api("POST", "/groups", {"id": "g1", "name": "One", "devices": []}, expect=201)
        # /groups/g1%2Fmembers names the group "g1/members", never g1's members route.
        status, body = self.server.api("GET", "/groups/g1%2Fmembers")
        self.assertEqual((status, body["error"]["code"]), (404, "group.not_found"))
        status, body = self.server.api("PUT", "/groups/g1%2Fmembers", {"devices": ["x"]})
        _, g1 = self.server.api("GET", "/groups/g1", expect=200)
        self.assertEqual(g1["devices"], [])
        # An id with a slash can be created and read back.
        record = {"id": "a/b", "serial_number": "SLASH1", "platform": "iOS", "enrollment": "device"}
        self.server.api("POST", "/devices", record, expect=201)
        _, read = self.server.api("GET", "/devices/a%2Fb", expect=200)
        self.assertEqual(read["id"], "a/b")
        self.server.api("GET", "/devices/a/b", expect=404)
        status, body = self.server.api("GET", "/devices/bad%zz")
        self.assertEqual((status, body["error"]["code"]), (400, "request.invalid_id"))
        status, body = self.server.api("GET", "/devices/nul%00")
        self.assertEqual(status, 400)
        self.server.api("DELETE", "/devices/a%2Fb", expect=204)
        self.assert_alive()

    def test_content_disposition_escapes_ids(self):
        device_id = 'x";evil=1 é'
        self.server.api("POST", "/devices", {"id": device_id, "serial_number": "CD1", "platform": "iOS",
                                             "enrollment": "device"}, expect=201)
        self.server.api("POST", "/policies", policy_document(devices=[device_id]), expect=201)
        from urllib.parse import quote
        status, headers, _ = self.server.request("GET", "/api/v1/policies/corp-acme/profile?device=" +
                                                 quote(device_id))
        self.assertEqual(status, 200)
        disposition = headers["Content-Disposition"]
        plain = disposition.split('filename="', 1)[1].split('"', 1)[0]
        self.assertEqual(plain, "corp-acme-x__evil_1___.mobileconfig")
        self.assertIn("filename*=UTF-8''corp-acme-x%22%3Bevil%3D1%20%C3%A9.mobileconfig", disposition)
        self.assertEqual(disposition.count('"'), 2)

    def test_security_headers_on_every_answer(self):
        answers = [self.server.request("GET", "/api/v1/health", auth=False),
                   self.server.request("GET", "/api/v1/policies", auth=False),
                   self.server.request("GET", "/api/v1/policies"),
                   self.server.request("GET", "/no-such-file", auth=False),
                   self.server.request("POST", "/webhook", raw=b"{", auth=False)]
        for status, headers, _ in answers:
            self.assertEqual(headers.get("X-Content-Type-Options"), "nosniff", status)
            self.assertIn("default-src 'self'", headers.get("Content-Security-Policy", ""), status)
            self.assertIn("frame-ancestors 'none'", headers.get("Content-Security-Policy", ""), status)

    def test_an_unrouted_method_is_405_and_its_body_never_read_as_a_request(self):
        # TRACE with a body, then a request on the same connection: the body must not be taken for the next
        # request (it used to be: two 400s), and the method is refused with the path's Allow.
        body = b'{"device_name": "x"}'
        answer = raw_exchange(self.server.port, (
            b"TRACE /api/v1/devices HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + self.server.token.encode() +
            b"\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body +
            b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n"))
        self.assertEqual(status_of(answer), 405, answer[:300])
        head, _, rest = answer.partition(b"\r\n\r\n")
        self.assertIn(b"Allow: GET, POST", head)
        self.assertEqual(json.loads(rest.split(b"HTTP/1.1")[0])["error"]["code"], "http.method_not_allowed")
        self.assertNotIn(b"400 Bad Request", answer)
        status, headers, payload = self.server.request("TRACE", "/api/v1/policies/x")
        self.assertEqual((status, headers.get("Allow")), (405, "GET, PUT, DELETE"))
        status, _, payload = self.server.request("TRACE", "/api/v1/no-such-thing")
        self.assertEqual((status, self.error_code(payload)), (404, "http.not_found"))
        status, _, payload = self.server.request("TRACE", "/api/v1/policies", auth=False)
        self.assertEqual((status, self.error_code(payload)), (401, "auth.required"))
        self.assert_alive()

    def test_control_characters_in_ids(self):
        # A CR or LF in a path segment is refused like any control character (it used to miss every route: 404).
        for segment in ("a%0Ab", "a%0Db", "a%01b"):
            status, _, payload = self.server.request("GET", f"/api/v1/devices/{segment}")
            self.assertEqual((status, self.error_code(payload)), (400, "request.invalid_id"), segment)
        # And no record is created that no path could name.
        for path, body, code in (("/devices", {"id": "a\nb"}, "device.id_invalid"),
                                 ("/groups", {"id": "a\u0001b"}, "group.id_invalid")):
            status, answer = self.server.api("POST", path, body)
            self.assertEqual(status, 422, answer)
            self.assertEqual(answer["error"]["diagnostics"][0]["code"], code)
        self.assert_alive()

    def test_a_request_line_that_cannot_be_read_closes_the_connection(self):
        # What follows a request cpp-httplib cannot read (an unknown method) is not read as requests either.
        answer = raw_exchange(self.server.port, b"QUERY /api/v1/policies HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                              + self.server.token.encode() + b"\r\nContent-Length: 2\r\n\r\n{}"
                              + b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual(answer.count(b"HTTP/1.1 "), 1, answer[:600])
        self.assertEqual(status_of(answer), 400)
        self.assert_alive()

    def test_401_reveals_nothing(self):
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}):
            status, _, body = self.server.request("GET", "/api/v1/devices", auth=False, headers=headers)
            self.assertEqual(status, 401)
            self.assertEqual(json.loads(body)["error"]["code"], "auth.required")
            self.assertNotIn(self.server.token_file.encode(), body)
            self.assertNotIn(b"token file", body)
            self.assertNotIn(os.path.basename(self.server.token_file).encode(), body)


class SlowClients(HostileTestCase):
    extra = ("--request-read-seconds", "2")

    def test_trickling_clients_are_cut_at_the_deadline_and_stall_nothing(self):
        stop = threading.Event()
        cut = []

        def trickle():
            s = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
            started = time.monotonic()
            try:
                s.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
                while not stop.is_set():
                    s.sendall(b"[")  # one byte at a time: a per-read timeout would never fire
                    time.sleep(0.1)
                    if time.monotonic() - started > 8:
                        return
            except OSError:
                cut.append(time.monotonic() - started)
            finally:
                s.close()

        threads = [threading.Thread(target=trickle) for _ in range(16)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        try:
            for _ in range(5):
                started = time.monotonic()
                self.assert_alive()
                self.assertLess(time.monotonic() - started, 1.0)
                time.sleep(0.1)
            wait_until(lambda: len(cut) == len(threads), timeout=10, what="every trickler cut off")
            self.assertTrue(all(seconds < 5 for seconds in cut), cut)
        finally:
            stop.set()
            for t in threads:
                t.join()
        # Slow headers are cut as well.
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
            started = time.monotonic()
            try:
                for _ in range(80):
                    s.sendall(b"X")
                    time.sleep(0.1)
                self.fail("a header trickle was never cut")
            except OSError:
                self.assertLess(time.monotonic() - started, 5)
        self.assert_alive()


if __name__ == "__main__":
    unittest.main()
