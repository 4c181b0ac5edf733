"""History and audit over REST: every successful write is recorded with the token's name and scope, a
policy's document before and after; policy versions are listed and restored through the core's checks;
read-only tokens can read everything (whoami, audit, versions) and change nothing; the device list pages,
filters and sorts on the server while the unpaged answer stays as it was; re-push sends a profile again."""

import json
import os
import subprocess
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ServerTestCase, BINARY, Device, FakeNanoMDM, Server, TempDir, policy_document, wait_until  # noqa: E402


class AuditTestCase(ServerTestCase):
    def token(self, scope, name):
        result = subprocess.run([BINARY, "token", "create", "--scope", scope, "--name", name, "--database",
                                 self.server.database], capture_output=True, text=True, timeout=20)
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout)["token"]

    def call(self, token, method, path, body=None):
        status, _, payload = self.server.request(method, "/api/v1" + path, body=body, auth=False,
                                                 headers={"Authorization": f"Bearer {token}"})
        return status, json.loads(payload) if payload else None


class AuditLog(AuditTestCase):
    def test_writes_are_recorded_with_who_and_what(self):
        editor = self.token("admin", "alice")
        doc = policy_document()
        self.assertEqual(self.call(editor, "POST", "/policies", doc)[0], 201)
        changed = dict(doc, name="Corporate ACME v2")
        self.assertEqual(self.call(editor, "PUT", "/policies/corp-acme", changed)[0], 200)
        self.server.api("POST", "/devices", {"id": "dev-1", "platform": "iOS"}, expect=201)
        self.server.api("POST", "/groups", {"id": "g-sales", "name": "Sales", "devices": ["dev-1"]}, expect=201)
        # Refused writes and reads leave no entry.
        self.server.api("POST", "/policies", doc, expect=409)
        self.server.api("GET", "/policies", expect=200)
        self.server.api("DELETE", "/policies/corp-acme", expect=204)

        _, body = self.server.api("GET", "/audit", expect=200)
        entries = body["entries"]
        self.assertEqual([e["action"] for e in entries],
                         ["policy.delete", "group.create", "device.create", "policy.update", "policy.create"])
        delete, group, device, update, create = entries
        self.assertEqual(create["actor"], {"name": "alice", "scope": "admin"})
        self.assertEqual(device["actor"], {"name": "admin token file", "scope": "admin"})
        self.assertEqual((create["target"], create["status"]), ({"type": "policy", "id": "corp-acme"}, 201))
        self.assertIsNone(create["before"])
        self.assertEqual(create["after"]["name"], "Corporate ACME")
        self.assertEqual((update["before"]["name"], update["after"]["name"]), ("Corporate ACME", "Corporate ACME v2"))
        self.assertEqual(delete["before"]["name"], "Corporate ACME v2")
        self.assertIsNone(delete["after"])
        self.assertEqual(device["target"], {"type": "device", "id": "dev-1"})
        self.assertEqual((group["method"], group["path"]), ("POST", "/api/v1/groups"))
        self.assertTrue(all(e["at"].endswith("Z") and e["request_id"] for e in entries))
        self.assertGreater(create["id"], 0)

        # Filters and paging.
        _, body = self.server.api("GET", "/audit?actor=alice", expect=200)
        self.assertEqual([e["action"] for e in body["entries"]], ["policy.update", "policy.create"])
        _, body = self.server.api("GET", "/audit?target_type=policy&action=policy.update", expect=200)
        self.assertEqual(len(body["entries"]), 1)
        _, body = self.server.api("GET", "/audit?target=dev-1", expect=200)
        self.assertEqual([e["action"] for e in body["entries"]], ["device.create"])
        _, page = self.server.api("GET", "/audit?limit=2", expect=200)
        self.assertEqual(len(page["entries"]), 2)
        _, rest = self.server.api("GET", f"/audit?limit=10&before={page['next_before']}", expect=200)
        self.assertEqual([e["action"] for e in rest["entries"]], ["device.create", "policy.update", "policy.create"])
        self.assertIsNone(rest["next_before"])
        _, later = self.server.api("GET", "/audit?since=2999-01-01T00:00:00Z", expect=200)
        self.assertEqual(later["entries"], [])
        self.assertEqual(self.server.api("GET", "/audit?limit=0")[0], 400)
        self.assertEqual(self.server.api("GET", "/audit?before=x")[0], 400)


class PolicyVersions(AuditTestCase):
    def test_versions_are_kept_and_restored(self):
        doc = policy_document()
        self.server.api("POST", "/policies", doc, expect=201)
        self.server.api("PUT", "/policies/corp-acme", dict(doc, name="Second"), expect=200)
        third = json.loads(json.dumps(doc))
        third["name"] = "Third"
        third["payload"]["KeySize"] = 384
        self.server.api("PUT", "/policies/corp-acme", third, expect=200)

        _, body = self.server.api("GET", "/policies/corp-acme/versions", expect=200)
        self.assertEqual(body["current"], 3)
        self.assertEqual([(v["version"], v["name"], v["current"]) for v in body["versions"]],
                         [(3, "Third", True), (2, "Second", False), (1, "Corporate ACME", False)])
        self.assertEqual(body["versions"][2]["document"]["payload"]["KeySize"], 256)
        self.assertEqual(body["versions"][0]["by"], {"name": "admin token file", "scope": "admin"})

        _, restored = self.server.api("POST", "/policies/corp-acme/versions/1/restore", expect=200)
        self.assertEqual((restored["version"], restored["name"]), (4, "Corporate ACME"))
        self.assertEqual(restored["document"]["payload"]["KeySize"], 256)
        _, stored = self.server.api("GET", "/policies/corp-acme", expect=200)
        self.assertEqual((stored["version"], stored["document"]["payload"]["KeySize"]), (4, 256))
        _, body = self.server.api("GET", "/policies/corp-acme/versions", expect=200)
        self.assertEqual((body["versions"][0]["version"], body["versions"][0]["restored_from"]), (4, 1))
        _, audit = self.server.api("GET", "/audit?action=policy.restore", expect=200)
        self.assertEqual(len(audit["entries"]), 1)
        self.assertEqual((audit["entries"][0]["before"]["name"], audit["entries"][0]["after"]["name"]),
                         ("Third", "Corporate ACME"))

        self.assertEqual(self.server.api("POST", "/policies/corp-acme/versions/9/restore")[0], 404)
        self.assertEqual(self.server.api("POST", "/policies/corp-acme/versions/zero/restore")[0], 404)
        self.assertEqual(self.server.api("POST", "/policies/nope/versions/1/restore")[1]["error"]["code"],
                         "policy.not_found")
        self.assertEqual(self.server.api("GET", "/policies/nope/versions")[0], 404)

        # A restore whose name another policy took since is refused like any edit, and changes nothing.
        self.server.api("PUT", "/policies/corp-acme", dict(doc, name="Renamed"), expect=200)
        self.server.api("POST", "/policies", policy_document("other", "Second"), expect=201)
        status, body = self.server.api("POST", "/policies/corp-acme/versions/2/restore")
        self.assertEqual((status, body["error"]["code"]), (409, "policy.name_conflict"))
        self.assertEqual(self.server.api("GET", "/policies/corp-acme", expect=200)[1]["version"], 5)

        # A deleted policy's versions go with it: the same id starts again at 1.
        self.server.api("DELETE", "/policies/corp-acme", expect=204)
        self.server.api("POST", "/policies", doc, expect=201)
        _, body = self.server.api("GET", "/policies/corp-acme/versions", expect=200)
        self.assertEqual([v["version"] for v in body["versions"]], [1])


class ReadOnly(AuditTestCase):
    def test_read_only_sees_everything_and_changes_nothing(self):
        viewer = self.token("read-only", "auditor")
        self.server.api("POST", "/policies", policy_document(), expect=201)
        self.server.api("POST", "/devices", {"id": "dev-1", "platform": "iOS"}, expect=201)
        self.assertEqual(self.call(viewer, "GET", "/whoami"), (200, {"name": "auditor", "scope": "read-only",
                                                                     "token_id": viewer.split("_")[1]}))
        self.assertEqual(self.server.api("GET", "/whoami")[1],
                         {"name": "admin token file", "scope": "admin", "token_id": None})
        for path in ("/audit", "/policies/corp-acme/versions", "/devices?limit=5", "/commands"):
            self.assertEqual(self.call(viewer, "GET", path)[0], 200, path)
        writes = [("POST", "/policies", policy_document("p2", "P2")), ("PUT", "/policies/corp-acme", policy_document()),
                  ("DELETE", "/policies/corp-acme", None), ("POST", "/policies/corp-acme/versions/1/restore", None),
                  ("POST", "/devices", {"id": "dev-2"}), ("DELETE", "/devices/dev-1", None),
                  ("POST", "/devices/dev-1/reconcile", None), ("POST", "/devices/dev-1/policies/corp-acme/repush", None),
                  ("POST", "/groups", {"id": "g"}), ("POST", "/commands/x/retry", None)]
        for method, path, body in writes:
            status, answer = self.call(viewer, method, path, body)
            self.assertEqual((status, answer["error"]["code"]), (403, "auth.forbidden"), (method, path))
        _, audit = self.server.api("GET", "/audit", expect=200)
        self.assertEqual([e["actor"]["name"] for e in audit["entries"]], ["admin token file"] * 2)
        self.assertEqual(self.server.api("GET", "/policies/corp-acme", expect=200)[1]["version"], 1)


class DevicePaging(AuditTestCase):
    def seed(self):
        models = [("iOS", "17.4.1", "device"), ("iOS", "16.7", "user"), ("macOS", "14.4", "device")]
        for i in range(30):
            platform, os_version, enrollment = models[i % 3]
            self.server.api("POST", "/devices", {
                "id": f"dev-{i:02d}", "device_name": f"Device {i}", "platform": platform, "os_version": os_version,
                "enrollment": enrollment, "serial_number": f"SER{i:04d}", "user_email": f"u{i}@example.com"}, expect=201)
        self.server.api("POST", "/groups", {"id": "g-sales", "name": "Sales",
                                             "devices": ["dev-00", "dev-01", "dev-03"]}, expect=201)
        self.server.api("POST", "/policies", policy_document(), expect=201)

    def page(self, **query):
        _, body = self.server.api("GET", "/devices?" + urllib.parse.urlencode(query), expect=200)
        return body

    def test_paging_filters_and_sort(self):
        self.seed()
        _, plain = self.server.api("GET", "/devices", expect=200)
        self.assertEqual(set(plain), {"devices"})  # the unpaged answer is unchanged
        self.assertEqual(len(plain["devices"]), 30)

        first = self.page(limit=10)
        self.assertEqual((first["total"], first["inventory"], first["offset"], first["next_offset"]), (30, 30, 0, 10))
        # Natural order: Device 2 before Device 10.
        self.assertEqual([d["id"] for d in first["devices"][:4]], ["dev-00", "dev-01", "dev-02", "dev-03"])
        last = self.page(limit=10, offset=20)
        self.assertIsNone(last["next_offset"])
        seen = [d["id"] for p in (first, self.page(limit=10, offset=10), last) for d in p["devices"]]
        self.assertEqual(sorted(seen), sorted(d["id"] for d in plain["devices"]))

        self.assertEqual(self.page(platform="macOS")["total"], 10)
        self.assertEqual(self.page(os="16")["total"], 10)
        self.assertEqual(self.page(enrollment="user", platform="iOS")["total"], 10)
        self.assertEqual([d["id"] for d in self.page(q="ser0007")["devices"]], ["dev-07"])
        self.assertEqual(self.page(q="U12@EXAMPLE")["total"], 1)
        self.assertEqual(self.page(sort="serial_number", dir="desc", limit=1)["devices"][0]["id"], "dev-29")
        facets = first["facets"]
        self.assertEqual((facets["platform"], facets["os"], facets["enrollment"]),
                         (["iOS", "macOS"], ["14", "16", "17"], ["device", "user"]))

        # Status from the policy's resolution: dev-01 is a User Enrollment device the serial-number template
        # leaves out (needs attention); dev-00 and dev-03 are targeted and pending (not enrolled).
        statuses = self.page(limit=1000)["statuses"]
        self.assertEqual((statuses["dev-00"], statuses["dev-01"], statuses["dev-03"], statuses["dev-02"]),
                         ("pending", "attention", "pending", "none"))
        self.assertEqual([d["id"] for d in self.page(status="pending")["devices"]], ["dev-00", "dev-03"])
        self.assertEqual(self.page(status="none")["total"], 27)
        self.assertEqual(self.page(sort="status", limit=3)["devices"][0]["id"], "dev-00")

        for bad in ({"limit": 0}, {"limit": 1001}, {"offset": -1}, {"status": "happy"}, {"dir": "up"}):
            status, body = self.server.api("GET", "/devices?" + urllib.parse.urlencode(bad))
            self.assertEqual((status, body["error"]["code"]), (400, "request.query_invalid"), bad)


class Repush(AuditTestCase):
    def test_repush_sends_the_profile_again(self):
        self.server.api("POST", "/groups", {"id": "g-sales", "name": "Sales", "devices": ["ENR-1"]}, expect=201)
        self.server.api("POST", "/policies", policy_document(), expect=201)
        self.assertEqual(self.server.api("POST", "/devices/ENR-1/policies/corp-acme/repush")[0], 404)
        device = Device(self.server, enrollment_id="ENR-1", serial="REPUSH1")
        device.enroll()
        wait_until(lambda: self.nanomdm.received("InstallProfile"), what="first install")
        first = self.nanomdm.received("InstallProfile")[0][1]["CommandUUID"]
        device.report(first, "Acknowledged")

        def installed():
            _, body = self.server.api("GET", "/devices/ENR-1/status", expect=200)
            return body["assignments"][0]["status"] == "installed"

        wait_until(installed, what="installed")
        status, body = self.server.api("POST", "/devices/ENR-1/policies/corp-acme/repush")
        self.assertEqual(status, 202, body)
        self.assertEqual(body["commands_queued"], 1)
        self.assertNotEqual(body["command_uuid"], first)
        wait_until(lambda: len(self.nanomdm.received("InstallProfile")) == 2, what="second install")
        self.assertEqual(self.nanomdm.received("InstallProfile")[1][1]["CommandUUID"], body["command_uuid"])
        status, body = self.server.api("POST", "/devices/ENR-1/policies/nope/repush")
        self.assertEqual((status, body["error"]["code"]), (404, "assignment.not_found"))
        _, audit = self.server.api("GET", "/audit?action=device.repush", expect=200)
        self.assertEqual(audit["entries"][0]["target"], {"type": "device", "id": "ENR-1"})


if __name__ == "__main__":
    unittest.main()
