"""A throw-away PostgreSQL 15 cluster on 127.0.0.1 for tests (Debian's binaries; run as user postgres when
the tests run as root, since initdb refuses root)."""

import os
import shutil
import subprocess
import tempfile

from harness import free_port

PG_BIN = os.environ.get("ACMEPOLICY_PG_BIN", "/usr/lib/postgresql/15/bin")


def available():
    return os.path.exists(os.path.join(PG_BIN, "initdb"))


class Postgres:
    def __init__(self):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="acmepolicy-pg-")
        self.as_postgres = os.geteuid() == 0
        self.counter = 0

    def run(self, *args):
        command = [os.path.join(PG_BIN, args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)

    def start(self):
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
        self.run("initdb", "-D", f"{self.dir}/data", "-A", "trust", "-U", "acme", "--no-sync")
        # fsync off: a test cluster need not survive a power cut, and it keeps the suite fast.
        self.run("pg_ctl", "-D", f"{self.dir}/data", "-w", "-l", f"{self.dir}/log",
                 "-o", f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off", "start")
        return self

    def new_database(self):
        self.counter += 1
        name = f"t{self.counter}"
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "acme", name)
        return f"postgresql://acme@127.0.0.1:{self.port}/{name}"

    def stop(self):
        try:
            self.run("pg_ctl", "-D", f"{self.dir}/data", "-w", "-m", "fast", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
