"""Work started in a thread and waited for later.

fastexcel (while it parses a sheet), Arrow (while it hashes or encodes) and hashlib's scrypt
release the GIL, so work handed to them in a thread runs beside what the caller does next.
"""

from __future__ import annotations

import contextvars
import threading

__all__ = ["in_thread"]


def in_thread(fn, *, name: str):
    """Start ``fn()`` in a thread called ``name``; returns what waits for it and gives its
    result, or raises what it raised. ``fn`` runs in a copy of the caller's context (the
    project's pepper is a context variable). A daemon thread: an interrupted run does not wait
    for it to end.

    >>> wait = in_thread(lambda: 6 * 7, name="kit-doctest")
    >>> wait()
    42
    """
    box: dict = {}
    context = contextvars.copy_context()

    def run():
        try:
            box["value"] = context.run(fn)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread as it is
            box["error"] = exc

    worker = threading.Thread(target=run, name=name, daemon=True)
    worker.start()

    def wait():
        worker.join()
        if "error" in box:
            raise box.pop("error")
        return box.pop("value")

    return wait
