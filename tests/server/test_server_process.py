"""The `acmepolicy serve` process: crash recovery (SIGKILL mid-flight), MicroMDM and the portal's static
files, and start-up (options, environment, config file, refused configurations)."""

import json
import os
import plistlib
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Device, FakeNanoMDM, Server, TempDir, policy_document, wait_until  # noqa: E402


class CrashRecovery(unittest.TestCase):
    def test_kill9_between_event_and_enqueue_sends_exactly_once(self):
        with TempDir() as workdir:
            nanomdm = FakeNanoMDM()  # not started yet: enqueue attempts fail at the transport
            server = Server(workdir, nanomdm=nanomdm).start()
            try:
                server.api("POST", "/groups", {"id": "g-sales", "name": "Sales", "devices": ["ENR-K"]}, expect=201)
                server.api("POST", "/policies", policy_document(), expect=201)
                device = Device(server, enrollment_id="ENR-K", serial="KILL9SER")
                device.enroll()
                wait_until(lambda: "command enqueue failed" in server.log(), what="a failed enqueue attempt")
                server.kill9()
                nanomdm.start()
                server.start()
                wait_until(lambda: nanomdm.received("InstallProfile"), what="the command after restart")
                time.sleep(1.5)  # several outbox passes: nothing is sent again
                sent = nanomdm.received("InstallProfile")
                self.assertEqual(len(sent), 1)
                self.assertEqual(plistlib.loads(sent[0][1]["Command"]["Payload"])["PayloadContent"][0]
                                 ["ClientIdentifier"], "KILL9SER")
            finally:
                nanomdm.stop()
                server.stop()

    def test_wrong_nanomdm_key_is_retried_not_lost(self):
        with TempDir() as workdir:
            nanomdm = FakeNanoMDM(api_key="right").start()
            wrong = FakeNanoMDM(api_key="wrong", port=nanomdm.port)  # same URL, wrong key in the server
            server = Server(workdir, nanomdm=wrong).start()
            try:
                server.api("POST", "/groups", {"id": "g-sales", "name": "Sales", "devices": ["ENR-W"]}, expect=201)
                server.api("POST", "/policies", policy_document(), expect=201)
                Device(server, enrollment_id="ENR-W").enroll()
                wait_until(lambda: nanomdm.unauthorized >= 2, what="retries after 401")
                self.assertEqual(nanomdm.received(), [])
            finally:
                nanomdm.stop()
                server.stop()


class MicroMdmAndStaticFiles(unittest.TestCase):
    def test_micromdm_receives_commands_by_udid(self):
        with TempDir() as workdir:
            micromdm = FakeNanoMDM(api_key="micro-key", flavour="micromdm").start()
            server = Server(workdir, nanomdm=micromdm).start()
            try:
                device = Device(server, serial="MICRO1")
                device.enrollment_id = device.udid  # MicroMDM events carry no NanoMDM ids
                server.api("POST", "/groups", {"id": "g-sales", "name": "Sales", "devices": [device.udid]},
                           expect=201)
                server.api("POST", "/policies", policy_document(), expect=201)
                device.enroll()
                udid, command, _ = wait_until(lambda: micromdm.received("InstallProfile"), what="command")[0]
                self.assertEqual(udid, device.udid)
                self.assertEqual(plistlib.loads(command["Command"]["Payload"])["PayloadContent"][0]
                                 ["ClientIdentifier"], "MICRO1")
            finally:
                micromdm.stop()
                server.stop()

    def test_static_portal_and_wasm_package(self):
        with TempDir() as workdir:
            web = os.path.join(workdir, "web")
            pkg = os.path.join(workdir, "pkg")
            os.makedirs(web)
            os.makedirs(pkg)
            for path, data in ((os.path.join(web, "index.html"), b"<!doctype html><title>portal</title>"),
                               (os.path.join(web, "app.mjs"), b"export {};"),
                               (os.path.join(pkg, "index.js"), b"export const x = 1;"),
                               (os.path.join(pkg, "core.wasm"), b"\0asm\1\0\0\0")):
                with open(path, "wb") as f:
                    f.write(data)
            server = Server(workdir, extra=["--web-root", web, "--wasm-root", pkg]).start()
            try:
                for path, content_type, body in (("/", "text/html", b"<!doctype html><title>portal</title>"),
                                                 ("/app.mjs", "text/javascript", b"export {};"),
                                                 ("/pkg/index.js", "text/javascript", b"export const x = 1;"),
                                                 ("/pkg/core.wasm", "application/wasm", b"\0asm\1\0\0\0")):
                    status, headers, payload = server.request("GET", path, auth=False)
                    self.assertEqual(status, 200, path)
                    self.assertTrue(headers["Content-Type"].startswith(content_type), (path, headers))
                    self.assertEqual(payload, body)
                status, _, _ = server.request("GET", "/../acmepolicy.token", auth=False)
                self.assertEqual(status, 404)
                status, _, _ = server.request("GET", "/missing.html", auth=False)
                self.assertEqual(status, 404)
            finally:
                server.stop()


class StartUp(unittest.TestCase):
    def run_cli(self, *args, env=None):
        import subprocess
        from harness import BINARY
        return subprocess.run([BINARY, "serve", *args], capture_output=True, text=True, timeout=20,
                              env=dict(os.environ, **(env or {})))

    def test_help_lists_options(self):
        result = self.run_cli("--help")
        self.assertEqual(result.returncode, 0)
        for option in ("--listen", "--database", "--nanomdm-url", "--webhook-hmac-key", "--tls-cert",
                       "--signing-cert", "--identifier-prefix", "--admin-token-file"):
            self.assertIn(option, result.stdout)

    def test_bad_values_fail_with_a_clear_message(self):
        result = self.run_cli("--listen", "nowhere")
        self.assertEqual(result.returncode, 2)
        self.assertIn("HOST:PORT", result.stderr)
        result = self.run_cli("--database", "mysql://x")
        self.assertEqual(result.returncode, 2)
        self.assertIn("sqlite:", result.stderr)
        result = self.run_cli("--bogus", "1")
        self.assertEqual(result.returncode, 2)
        self.assertIn("unknown option --bogus", result.stderr)
        result = self.run_cli(env={"ACMEPOLICY_THREADS": "zero"})
        self.assertEqual(result.returncode, 2)
        self.assertIn("ACMEPOLICY_THREADS", result.stderr)

    def test_config_file(self):
        with TempDir() as workdir:
            path = os.path.join(workdir, "config.json")
            with open(path, "w") as f:
                json.dump({"listen": "127.0.0.1:1", "nanomdm-url": "ftp://x"}, f)
            result = self.run_cli("--config", path)
            self.assertEqual(result.returncode, 2)
            self.assertIn('config file key "nanomdm-url"', result.stderr)


if __name__ == "__main__":
    unittest.main()
