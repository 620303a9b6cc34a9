"""The processes a benchmark runs against, started as deployed: its own redis-server, gunicorn,
and the Celery worker and beat of the Procfile. Shared by certificate_queue.py, chaos.py and
journeys.py.

Each process runs in a process group of its own (a SIGKILL of the group takes a worker's pool
too, and Ctrl-C reaches only the benchmark, which then stops them in order) and gets SIGTERM
when the benchmark dies, even by SIGKILL. Its output goes to `<files>/<name>.log`."""

import os
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# a busy shared machine takes minutes to import and start the web and worker processes
STARTUP_SECONDS = 300


def production_environment(files: Path, **extra: str) -> dict[str, str]:
    """The production settings for every process of a run: a throwaway SECRET_KEY (it lives as
    long as the run), e-mails rendered but not sent, PDFs and VAR_DIR in the run's folder (never
    a configured bucket); `extra` adds or overrides variables."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "localhost,127.0.0.1,testserver",
        "EMAIL_URL": "dummymail://",
        "MEDIA_ROOT": str(files / "media"),
        "VAR_DIR": str(files / "var"),
        "AWS_STORAGE_BUCKET_NAME": "",
        **extra,
    }


def die_with_parent() -> None:
    """In a child before exec: SIGTERM when the process that started it dies.

    PR_SET_PDEATHSIG follows the thread that started the child: a process started from a helper
    thread gets its SIGTERM when that thread ends."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def procfile_command(kind: str) -> list[str]:
    """The Procfile's command for `kind` (web, worker, beat), as deployed."""
    line = next(
        line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith(f"{kind}:")
    )
    return shlex.split(line.split(":", 1)[1])


def replace_option(command: list[str], name: str, value: str) -> list[str]:
    """`command` with `--name value` / `--name=value` set to `value` (added when missing)."""
    out, skip, found = [], False, False
    for part in command:
        if skip:
            skip = False
            continue
        if part == f"--{name}":
            out += [part, value]
            skip, found = True, True
        elif part.startswith(f"--{name}="):
            out.append(f"--{name}={value}")
            found = True
        else:
            out.append(part)
    return out if found else [*out, f"--{name}={value}"]


class Stack:
    """The processes of one run, by name; stop_all() ends them all."""

    def __init__(self, *, files: Path):
        self.files = files
        self.procs: dict[str, subprocess.Popen] = {}

    def spawn(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        """Start `command` as `name` (a process of that name that was stopped is replaced)."""
        with open(self.files / f"{name}.log", "ab") as log:
            proc = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
        self.procs[name] = proc
        return proc

    def check(self) -> None:
        """Raise when a process of the run has exited."""
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                tail = (self.files / f"{name}.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{tail}")

    def redis_start(self, port: int, *, persist: bool = False) -> str:
        """redis-server on `port` of the loopback address (never the shared one); with `persist`
        it keeps its data in an append-only file, so a restart keeps the queue. Returns its URL
        (database 0) once it answers."""
        command = [shutil.which("redis-server") or "redis-server", "--port", str(port)]
        command += ["--bind", "127.0.0.1", "--save", "", "--dir", str(self.files)]
        command += ["--appendonly", "yes" if persist else "no"]
        self.spawn("redis", command, dict(os.environ))
        import redis

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            self.check()
            try:
                redis.Redis(host="127.0.0.1", port=port).ping()
                return f"redis://127.0.0.1:{port}/0"
            except redis.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not answer within 30 s")

    def web_start(self, env: dict[str, str], port: int) -> list[str]:
        """gunicorn as in the Procfile, on `port`; returns its command once /healthz answers."""
        command = replace_option(procfile_command("web"), "bind", f"127.0.0.1:{port}")
        command = [sys.executable, "-m", *command]  # gunicorn of this environment
        self.spawn("web", command, env)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            self.check()
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-Proto": "https"}
                )
                with urllib.request.urlopen(request, timeout=15) as response:
                    if response.status == 200:
                        return command
            except (OSError, urllib.error.URLError):
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer /healthz within {STARTUP_SECONDS} s")

    def worker_start(
        self,
        env: dict[str, str],
        *,
        hostname: str,
        queue: str = "",
        loglevel: str = "",
        wait: bool = True,
        extra: tuple[str, ...] = (),
    ) -> list[str]:
        """The Procfile's worker (prefork, two pool processes) as `hostname` (a full node name,
        e.g. `name@host`), on `queue` when given, with `extra` options appended; with `wait`,
        returns once it answers a ping."""
        command = replace_option(procfile_command("worker"), "hostname", hostname)
        if loglevel:
            command = replace_option(command, "loglevel", loglevel)
        if queue:
            command += ["-Q", queue]
        command += list(extra)
        command = [sys.executable, "-m", *command]
        self.spawn("worker", command, env)
        if not wait:
            return command
        from config.celery import app

        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            self.check()
            if app.control.inspect(destination=[hostname], timeout=1).ping():
                return command
        raise RuntimeError(f"the Celery worker did not answer a ping within {STARTUP_SECONDS} s")

    def beat_start(self, env: dict[str, str], *, loglevel: str = "") -> list[str]:
        """Celery beat as in the Procfile, its schedule file in the run's folder."""
        command = replace_option(procfile_command("beat"), "schedule", str(self.files / "beat"))
        if loglevel:
            command = replace_option(command, "loglevel", loglevel)
        command = [sys.executable, "-m", *command]
        self.spawn("beat", command, env)
        return command

    def stop(self, name: str, *, kill: bool = False) -> None:
        """SIGTERM (a warm shutdown), SIGKILL to the whole group after 30 s; `kill` sends
        SIGKILL to the group at once (a worker dying with its pool)."""
        proc = self.procs.get(name)
        if proc is None or proc.poll() is not None:
            return
        if not kill:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
                return
            except subprocess.TimeoutExpired:
                pass
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def close(self, *, keep_files: bool, kept: str) -> None:
        """The end of a run: stop everything, then remove the run's folder unless `keep_files`
        (then say where it is and what it holds, `kept`). A second Ctrl-C (the shell and uv both
        deliver one) must not cut this short."""
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        self.stop_all()
        if keep_files:
            print(f"kept {self.files} ({kept})")
        else:
            shutil.rmtree(self.files, ignore_errors=True)

    def stop_all(self) -> None:
        # web first (no new tasks), then beat and the worker (finishes its task), redis last
        first = ["web", "beat", "worker"]
        others = [name for name in self.procs if name not in first and name != "redis"]
        for name in [*first, *others, "redis"]:
            self.stop(name)
