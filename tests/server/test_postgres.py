"""The same integration tests against PostgreSQL, plus two server instances sharing one database: every
command is sent exactly once."""

import contextlib
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pg_fixture  # noqa: E402
from harness import Device, FakeNanoMDM, Server, TempDir, policy_document, wait_until  # noqa: E402
import test_audit  # noqa: E402
import test_certificates  # noqa: E402
import test_fallback  # noqa: E402
import test_hostile  # noqa: E402
import test_identity  # noqa: E402
import test_lifecycle  # noqa: E402
import test_outbox  # noqa: E402
import test_safe_defaults  # noqa: E402
import test_server  # noqa: E402

postgres = None


def setUpModule():
    global postgres
    if not pg_fixture.available():
        raise unittest.SkipTest(f"PostgreSQL binaries not found in {pg_fixture.PG_BIN}")
    postgres = pg_fixture.Postgres().start()


def tearDownModule():
    if postgres:
        postgres.stop()


class PostgresRestContract(test_server.RestContract):
    def make_database(self):
        return postgres.new_database()


class PostgresWebhookFlow(test_server.WebhookFlow):
    def make_database(self):
        return postgres.new_database()


class PostgresFallbackFlow(test_fallback.FallbackFlow):
    def make_database(self):
        return postgres.new_database()


class PostgresCertificateLifecycle(test_certificates.CertificateLifecycle):
    def make_database(self):
        return postgres.new_database()


class PostgresDeclarativeRenewal(test_certificates.DeclarativeRenewal):
    def make_database(self):
        return postgres.new_database()


class PostgresWrongTypes(test_hostile.WrongTypes):
    def make_database(self):
        return postgres.new_database()


class PostgresFreezeOnInvalid(test_lifecycle.FreezeOnInvalid):
    def make_database(self):
        if not getattr(self, "_database", None):
            self._database = postgres.new_database()
        return self._database


class PostgresReplayedEvents(test_safe_defaults.ReplayedEvents):
    def make_database(self):
        return postgres.new_database()


class PostgresWrongKeyForever(test_outbox.WrongKeyForever):
    def make_database(self):
        return postgres.new_database()


class PostgresMdmDown(test_outbox.MdmDown):
    def make_database(self):
        return postgres.new_database()


class PostgresRenderedWhenSent(test_outbox.RenderedWhenSent):
    def make_database(self):
        return postgres.new_database()


class PostgresDeviceErrorRetried(test_outbox.DeviceErrorRetried):
    def make_database(self):
        return postgres.new_database()


class PostgresSerialTakeover(test_identity.SerialTakeover):
    def make_database(self):
        return postgres.new_database()


class PostgresAuditLog(test_audit.AuditLog):
    def make_database(self):
        return postgres.new_database()


class PostgresPolicyVersions(test_audit.PolicyVersions):
    def make_database(self):
        return postgres.new_database()


class PostgresDevicePaging(test_audit.DevicePaging):
    def make_database(self):
        return postgres.new_database()


@contextlib.contextmanager
def two_instances(nanomdm, devices, serial_prefix, start_mdm=True):
    """Instances "a" and "b" of the server on one fresh database, the policy's group holding `devices`, each
    device enrolled through one of the two (alternately). Yields (a, b, workdir); stops everything after."""
    database = postgres.new_database()
    with TempDir() as workdir:
        if start_mdm:
            nanomdm.start()
        a = Server(workdir, nanomdm=nanomdm, database=database, extra=["--instance-id", "a"]).start()
        b = Server(workdir, nanomdm=nanomdm, database=database, extra=["--instance-id", "b"]).start()
        try:
            a.api("POST", "/groups", {"id": "g-sales", "name": "Sales", "devices": devices}, expect=201)
            b.api("POST", "/policies", policy_document(), expect=201)
            for i, enrollment in enumerate(devices):
                Device(a if i % 2 else b, enrollment_id=enrollment, serial=f"{serial_prefix}{i:05d}").enroll()
            yield a, b, workdir
        finally:
            nanomdm.stop()
            try:
                a.stop()
            finally:
                b.stop()


def all_commands(server):
    return server.api("GET", "/commands?limit=1000", expect=200)[1]["commands"]


class TwoInstances(unittest.TestCase):
    def test_two_instances_on_one_database_never_send_a_command_twice(self):
        nanomdm = FakeNanoMDM()  # down at first, so both outboxes hold the same due commands
        devices = [f"ENR-{i:03d}" for i in range(30)]
        with two_instances(nanomdm, devices, "SER", start_mdm=False) as (a, b, workdir):
            self.assertTrue(os.path.exists(os.path.join(workdir, "acmepolicy.token")))
            nanomdm.start()
            wait_until(lambda: len(nanomdm.received("InstallProfile")) >= len(devices), timeout=30,
                       what="every command")
            time.sleep(1.5)
            sent = nanomdm.received("InstallProfile")
            uuids = [c[1]["CommandUUID"] for c in sent]
            self.assertEqual(len(uuids), len(devices))
            self.assertEqual(len(set(uuids)), len(devices))
            self.assertEqual(sorted(c[0] for c in sent), devices)
            _, status = a.api("GET", "/policies/corp-acme", expect=200)
            self.assertEqual(status["counts"]["pending"], len(devices))

    def test_two_instances_with_a_slow_mdm_send_each_command_once_in_order(self):
        nanomdm = FakeNanoMDM()
        nanomdm.delay = 0.3  # every enqueue is slow, within the server's timeout
        nanomdm.reject_repeated_uuid = True
        devices = [f"ENR-S{i:02d}" for i in range(8)]
        with two_instances(nanomdm, devices, "SLOW") as (a, b, _):
            # Each device: its install, then (after the policy is deleted) its removal, in that order. An
            # install still unsent when its policy is deleted is cancelled (never rendered from a policy
            # that is gone); its removal still follows.
            a.api("DELETE", "/policies/corp-acme", expect=204)
            wait_until(lambda: len(all_commands(a)) == 2 * len(devices) and
                       all(c["status"] != "queued" for c in all_commands(a)),
                       timeout=60, what="every command sent or cancelled")
            time.sleep(1.0)
            sent = nanomdm.received()
            uuids = [c[1]["CommandUUID"] for c in sent]
            self.assertEqual(len(uuids), len(set(uuids)), "a command was sent twice")
            commands = all_commands(a)
            cancelled = {c["command_uuid"] for c in commands if c["status"] == "cancelled"}
            for enrollment in devices:
                kinds = [c[1]["Command"]["RequestType"] for c in sent if c[0] == enrollment]
                install = next(c for c in commands if c["device"] == enrollment and c["request_type"] == "InstallProfile")
                expected = ["RemoveProfile"] if install["command_uuid"] in cancelled else ["InstallProfile", "RemoveProfile"]
                self.assertEqual(kinds, expected, enrollment)
            self.assertGreater(len(sent), len(devices), "the slow MDM still received installs")

    def test_two_instances_with_a_20_second_mdm_send_each_command_exactly_once(self):
        nanomdm = FakeNanoMDM()
        nanomdm.delay = 20.0  # each enqueue takes 20 s, within --mdm-timeout-seconds (30 by default)
        nanomdm.reject_repeated_uuid = True
        devices = [f"ENR-T{i}" for i in range(3)]
        with two_instances(nanomdm, devices, "TWENTY") as (a, b, _):
            wait_until(lambda: len(all_commands(a)) == len(devices) and
                       all(c["status"] == "enqueued" for c in all_commands(a)),
                       timeout=120, what="every command enqueued once")
            sent = [c[1]["CommandUUID"] for c in nanomdm.received()]
            self.assertEqual(len(sent), len(devices), "a command was sent twice")
            self.assertEqual(len(set(sent)), len(devices))
            self.assertEqual([c["attempts"] for c in all_commands(a)], [1] * len(devices))


if __name__ == "__main__":
    unittest.main()
