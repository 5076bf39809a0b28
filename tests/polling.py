# SPDX-License-Identifier: MIT
# Deadline-based waiting, shared by the end-to-end and the container tests:
# timing-sensitive checks poll with a deadline instead of sleeping.

import time

import pytest

# Deadline for things that normally take well under a second: generous so
# that sanitizer builds on a loaded 2-core machine still pass; a hang still fails.
DEADLINE = 30.0


def wait_until(predicate, timeout=DEADLINE, interval=0.01, msg=None):
    """Poll predicate until it returns a true value (which is returned); fail the test at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            text = msg() if callable(msg) else msg
            pytest.fail(f"timed out after {timeout:.1f}s waiting for {text or predicate}")
        time.sleep(interval)
