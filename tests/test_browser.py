"""The analyst's path in a real browser: `dagster dev` started here, the asset graph rendered by headless
Chromium, a run of annual_reports_job over two years launched over GraphQL (seen to succeed), and the
published HTML report opened with its charts.

Needs Debian's ``chromium`` (``.ci/run`` installs it); skipped with a message when it is absent.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pipeline_helpers import ROOT, add_seed

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chromium(args: list[str], profile: Path, timeout: float = 90) -> subprocess.CompletedProcess:
    assert CHROMIUM
    return subprocess.run(
        [CHROMIUM, *CHROME_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _graphql(port: int, query: str, variables: dict | None = None) -> dict:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


@pytest.fixture
def webserver(tmp_env: dict[str, Path]) -> Iterator[tuple[int, dict[str, Path]]]:
    """`dagster dev` on 127.0.0.1:<free port>, DAGSTER_HOME a temporary copy of dagster.yaml."""
    if CHROMIUM is None:
        pytest.skip("chromium not installed (apt-get install -y chromium chromium-driver; .ci/run does it)")
    home = tmp_env["root"] / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(
        (ROOT / "dagster.yaml").read_text(encoding="utf-8").replace(".dagster_home", str(home)), encoding="utf-8"
    )
    port = _free_port()
    log = (tmp_env["root"] / "dagster_dev.log").open("w")
    exe = Path(sys.executable).parent / "dagster"
    proc = subprocess.Popen(
        [str(exe), "dev", "-m", "pipelines.definitions", "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT,
        # automation off: the inbox sensor would launch a second run over the same inbox
        env={**os.environ, "DAGSTER_HOME": str(home), "XXGK_AUTOMATION": "off"},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the teardown ends all it started
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2).read()
                break
            except OSError:
                assert proc.poll() is None, (tmp_env["root"] / "dagster_dev.log").read_text()[-3000:]
                assert time.monotonic() < deadline, "dagster dev did not answer within 90 s"
                time.sleep(1)
        yield port, tmp_env
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def _wait_run(port: int, run_id: str, seconds: float) -> str:
    from dagster_graphql import DagsterGraphQLClient

    client = DagsterGraphQLClient("127.0.0.1", port_number=port)
    deadline = time.monotonic() + seconds
    status = ""
    while time.monotonic() < deadline:
        status = client.get_run_status(run_id).value
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            return status
        time.sleep(2)
    return status


def _run_tags(port: int, run_id: str) -> dict[str, str]:
    run = _graphql(
        port, "query($id: ID!) { runOrError(runId: $id) { ... on Run { tags { key value } } } }", {"id": run_id}
    )["data"]["runOrError"]
    return {t["key"]: t["value"] for t in run["tags"]}


def test_ui_graph_run_and_report_in_chromium(webserver: tuple[int, dict[str, Path]]) -> None:
    from dagster_graphql import DagsterGraphQLClient

    port, env = webserver
    root = env["root"]
    add_seed(env["inbox"])
    seed = env["inbox"] / "seed" / "000_7f3569336a1c441f.txt"
    (env["inbox"] / "seed" / "001.txt").write_bytes(seed.read_bytes() + b"\n")  # a 2020 report
    with (env["inbox"] / "manifest.csv").open("a", encoding="utf-8") as f:
        f.write("seed/001.txt,如皋市科技局,如皋市,county,2020\n")
    _graphql(port, "mutation { setNuxSeen }")  # no "join the community" popup over the graph

    # the asset graph page renders the four layers
    dom = _chromium(
        ["--virtual-time-budget=20000", "--dump-dom", f"http://127.0.0.1:{port}/asset-groups"], root / "chr1"
    )
    for group in ("ingest", "warehouse", "checks", "published"):
        assert f">{group}<" in dom.stdout, group
    shot = root / "asset_graph.png"
    _chromium(
        [
            "--window-size=1400,900",
            "--virtual-time-budget=20000",
            f"--screenshot={shot}",
            f"http://127.0.0.1:{port}/asset-groups",
        ],
        root / "chr2",
    )
    assert shot.exists() and shot.stat().st_size > 20_000

    # annual_reports_job over 2019…2020, launched as the Launchpad does for a range: one run, succeeds
    client = DagsterGraphQLClient("127.0.0.1", port_number=port)
    run_id = client.submit_job_execution(
        "annual_reports_job",
        tags={"dagster/asset_partition_range_start": "2019", "dagster/asset_partition_range_end": "2020"},
    )
    assert _wait_run(port, run_id, 300) == "SUCCESS", (root / "dagster_dev.log").read_text()[-3000:]
    tags = _run_tags(port, run_id)
    assert tags.get("dagster/asset_partition_range_start") == "2019"
    assert tags.get("dagster/asset_partition_range_end") == "2020"

    # the report it published opens, with its charts
    report = env["db"].parent / "published" / "report.html"
    assert report.exists()
    dom = _chromium(["--dump-dom", report.as_uri()], root / "chr3")
    assert dom.stdout.count("<svg") >= 3 and "Applications received" in dom.stdout
    assert "<td>2020</td>" in dom.stdout  # both years of the backfill are in the report
    shot = root / "report.png"
    _chromium(["--window-size=1200,2000", f"--screenshot={shot}", report.as_uri()], root / "chr4")
    assert shot.exists() and shot.stat().st_size > 20_000
