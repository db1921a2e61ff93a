"""The exercise server's line to the checking worker (``python -m aimed.trainer.selfcheck``).

The checks run outside the server's own process and outside the learner's kernel: one worker
process, kept (its grading sandbox stays warm between checks), answers one JSON line per
request. The exercise server starts and warms it before it answers its first request
(:meth:`Checker.warm_up`), so that no check, the first included, waits for Python, imports or
a sandbox to start. One request at a time; a worker that dies or stops answering is stopped
and started again at the next request. The worker ends with the server (its standard input
closes, and it is in the server's process group).
"""

from __future__ import annotations

import contextlib
import json
import select
import subprocess
import sys
import threading
import time
from typing import IO

WORKER = [sys.executable, "-m", "aimed.trainer.selfcheck", "--serve"]
FAILED = {"unavailable": "failed"}


class Checker:
    """Sends requests to the worker and returns its replies (``FAILED`` when it cannot)."""

    def __init__(self, command: list[str] | None = None, log: IO | None = None) -> None:
        self.command = command or WORKER
        self.log = log
        self.process: subprocess.Popen | None = None
        self.lock = threading.Lock()

    def _started(self) -> subprocess.Popen:
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen(
                self.command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.log,
                text=True,
                encoding="utf-8",
            )
        return self.process

    def ask(self, request: dict, timeout: float = 120.0) -> dict:
        """The worker's reply to ``request``, within ``timeout`` seconds."""
        with self.lock:
            process = self._started()
            assert process.stdin and process.stdout  # pipes, opened above
            try:
                process.stdin.write(json.dumps(request) + "\n")
                process.stdin.flush()
                deadline = time.monotonic() + timeout
                ready, _, _ = select.select([process.stdout], [], [], timeout)
                line = process.stdout.readline() if ready else ""
                reply = json.loads(line) if line and time.monotonic() <= deadline + 1 else None
            except (OSError, ValueError):
                reply = None
            if not isinstance(reply, dict):
                self._stop()
                return dict(FAILED)
            return reply

    def warm_up(self, sources: list[str], wait: float) -> dict | None:
        """Start the worker and warm it for ``sources`` (source notebooks), in the background;
        wait up to ``wait`` seconds for its reply (``None`` if it has not come by then). A
        check asked for meanwhile waits its turn behind the warm-up."""
        done = threading.Event()
        replies: list[dict] = []

        def run() -> None:
            try:
                replies.append(self.ask({"warm": sources}, timeout=600.0))
            finally:
                done.set()

        threading.Thread(target=run, name="aimed check warm-up", daemon=True).start()
        return replies[0] if done.wait(wait) and replies else None

    def _stop(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            process.kill()
            process.wait()
            for stream in filter(None, (process.stdin, process.stdout)):
                with contextlib.suppress(OSError):
                    stream.close()

    def close(self) -> None:
        with self.lock:
            self._stop()
