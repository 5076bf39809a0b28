# SPDX-License-Identifier: MIT
# The README's worked example: examples/web-and-worker exported for compose
# and Kubernetes gives the files the README shows (its excerpts must be
# found in them, line for line), docker-compose accepts the compose file
# and the Kubernetes file validates (tests/docker runs the compose file).

import re
import subprocess

from conftest import CLEAN_ENV, REPO, run_procinit
from test_export_tools import k8s_validate, k8s_validator, tool  # noqa: F401  (fixture)

EXAMPLE = REPO / "examples" / "web-and-worker"
IMAGE = "registry.example/shop:1"


def readme_block(after, lang="yaml"):
    """The first ```LANG block of README.md after the line containing AFTER."""
    text = (REPO / "README.md").read_text()
    start = text.index(after)
    m = re.compile(rf"```{lang}\n(.*?)```", re.S).search(text, start)
    return m.group(1)


def lines_in_order(excerpt, text):
    """Every excerpt line ('...' skips) appears in TEXT, in order."""
    pos = 0
    for line in excerpt.splitlines():
        if line.strip() == "...":
            continue
        pos = text.index(line + "\n", pos) + len(line) + 1


def export_example(fmt, out):
    r = run_procinit("-d", EXAMPLE, "-m", "web=2,worker=1", "--app", "shop", "--image", IMAGE, "export", fmt, out)
    assert r.returncode == 0, r.stderr
    return r


def test_readme_compose_example(tmp_path):
    out = tmp_path / "compose"
    export_example("compose", out)
    text = (out / "compose.yaml").read_text()
    lines_in_order(readme_block("docker-compose -f deploy/compose/compose.yaml up"), text)
    r = subprocess.run([tool("docker-compose"), "-f", str(out / "compose.yaml"), "config", "-q"],
                       capture_output=True, text=True, timeout=120,
                       env=dict(CLEAN_ENV, DOCKER_HOST="unix:///nonexistent"))
    assert r.returncode == 0 and not r.stderr, r.stderr


def test_readme_kubernetes_example(tmp_path, k8s_validator):  # noqa: F811
    out = tmp_path / "k8s"
    export_example("kubernetes", out)
    text = (out / "shop.yaml").read_text()
    lines_in_order(readme_block("kubectl apply -f deploy/k8s/shop.yaml"), text)
    r = k8s_validate(k8s_validator, out / "shop.yaml")
    assert r.returncode == 0, r.stderr
