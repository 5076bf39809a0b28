# SPDX-License-Identifier: MIT
# The example images in docker/examples, built as a user would: they serve
# their page (fetched from inside the container: --network none keeps
# loopback), log through procinit, and stop gracefully and quickly.

from conftest import wait_until


def fetch(c, port):
    r = c.exec("wget", "-q", "-O", "-", f"http://127.0.0.1:{port}/", check=False)
    return r.stdout if r.returncode == 0 else None


def test_procfile_example(dk, example_image):
    image = example_image("procfile")
    c = dk.start(image=image)
    c.wait_output(r"worker\.1 \| job 1 done")
    page = wait_until(lambda: fetch(c, 8080), msg="httpd on port 8080")
    assert "Served by busybox httpd under procinit" in page
    c.wait_output(r"web\.1    \| .*response:200")  # httpd -v logs the request on stderr, prefixed
    took = c.stop()
    assert took < 5.0, c.dump()
    assert c.state() == ("exited", 0), c.dump()
    lines = c.lines()
    assert lines[0] == "system   | web.1    start at pid: " + lines[0].rsplit(" ", 1)[1]
    assert any(ln.startswith("worker.1 | worker stopping after ") for ln in lines), c.dump()
    assert "system   | worker.1 exited with code 0" in lines
    assert "system   | web.1    terminated by SIGTERM" in lines
    assert lines[-1] == "system   | exit 0"


def test_single_command_example(dk, example_image):
    image = example_image("single-command")
    c = dk.start(image=image)
    page = wait_until(lambda: fetch(c, 8080), msg="httpd on port 8080")
    assert "One command under procinit" in page
    took = c.stop()
    assert took < 5.0, c.dump()
    assert c.state() == ("exited", 0), c.dump()  # 143 mapped to 0 by -E 143
    # another command in place of the default one
    r = dk.run("sh", "-c", "echo $PROCINIT_TIMEOUT; exit 3", image=image)
    assert (r.returncode, r.stdout) == (3, "3\n"), r.stderr
