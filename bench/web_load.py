"""The public site under load: requests per second and latency percentiles of a story page and
the home page, beside a copy of the same story page served by the same server with nothing
rendered (the ceiling: what the server, its middleware and the load generator cost): as a
static file (`static`, Starlette's StaticFiles, which opens and reads the file in a thread for
every request) and from memory by a plain route (`memory`).

The server is the one `gazette serve` runs (uvicorn, several worker processes, the app with
its page cache), started here on a free port over the demo's database (built first unless
`--database` names one). The load comes from wrk (Debian: `apt-get install wrk`) or, with
`--tool ab`, ApacheBench (`apache2-utils`), at `--connections` (20) for `--seconds` each, the
three pages in turn, `--rounds` times, after two seconds of each untimed (every worker renders
its pages once: what is measured is the site between two changes). The best round of each page
is kept, since the machine is shared and other work can only slow a round down.

    .venv/bin/python bench/web_load.py [--database URL] [--workers N] [--seconds 10]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import ROOT, save_results
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

from gazette.cli.site import SERVED_SETTINGS, settings_json
from gazette.config import Settings, load_settings

STATIC_ENV = "_GAZETTE_BENCH_STATIC"  # where the static copies are, for the worker processes
PAGES = ("static", "memory", "story", "home")
WARM_UP_SECONDS = 2


def bench_app():
    """The app of `gazette serve`, plus the copies of the story page: the file under
    /bench-static, and the same bytes from memory at /bench-memory."""
    from gazette.web import create_app

    app = create_app(Settings.model_validate_json(os.environ[SERVED_SETTINGS]))
    folder = Path(os.environ[STATIC_ENV])
    app.mount("/bench-static", StaticFiles(directory=folder), name="bench")
    kept: dict[str, bytes] = {}

    async def from_memory() -> Response:  # the file is read once (it is written after start)
        if "story" not in kept:
            kept["story"] = (folder / "story.html").read_bytes()
        return Response(kept["story"], media_type="text/html")

    app.add_api_route("/bench-memory", from_memory, include_in_schema=False)
    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def demo_database(folder: Path) -> str:
    subprocess.run(
        [sys.executable, "-m", "gazette", "demo", "--no-serve", "--workdir", str(folder)],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    return f"sqlite:///{folder / 'gazette.db'}"


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.3)


def fetch(url: str) -> tuple[str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.geturl(), response.read()


def seconds_of(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def run_wrk(url: str, connections: int, seconds: int) -> dict:
    threads = min(2, connections)
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    latency = {
        p: seconds_of(v) * 1000 for p, v in re.findall(r"^\s+(50|90|99)%\s+(\S+)", output, re.M)
    }
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    errors += int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    return {
        "requests_per_second": rate,
        "p50_ms": latency["50"],
        "p90_ms": latency["90"],
        "p99_ms": latency["99"],
        "requests": requests,
        "errors": errors,
    }


def run_ab(url: str, connections: int, seconds: int) -> dict:
    output = subprocess.run(
        ["ab", "-q", "-k", "-c", str(connections), "-t", str(seconds), "-n", "10000000", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    number = lambda pattern: float(re.search(pattern, output, re.M).group(1))  # type: ignore[union-attr]  # noqa: E731
    return {
        "requests_per_second": number(r"Requests per second:\s+([\d.]+)"),
        "p50_ms": number(r"^\s+50%\s+(\d+)"),
        "p90_ms": number(r"^\s+90%\s+(\d+)"),
        "p99_ms": number(r"^\s+99%\s+(\d+)"),
        "requests": int(number(r"Complete requests:\s+(\d+)")),
        "errors": int(number(r"Failed requests:\s+(\d+)"))
        + int(
            re.search(r"Non-2xx responses:\s+(\d+)", output).group(1) if "Non-2xx" in output else 0
        ),  # type: ignore[union-attr]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="database URL of a site (default: build the demo)")
    parser.add_argument("--workers", type=int, help="server processes (default: gazette serve's)")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--tool", choices=("wrk", "ab"), default="wrk")
    args = parser.parse_args()
    if shutil.which(args.tool) is None:
        sys.exit(f"{args.tool} is not installed (Debian: apt-get install wrk apache2-utils)")
    from gazette.cli.site import default_workers

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        database = args.database or demo_database(folder / "demo")
        settings = load_settings(ROOT / "demo" / "gazette.toml", database_url=database)
        settings = settings.model_copy(
            update={"site": settings.site.model_copy(update={"mode": "production"})}
        )
        workers = args.workers or default_workers(settings)
        static = folder / "static"
        static.mkdir()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        environment = {
            **os.environ,
            SERVED_SETTINGS: settings_json(settings),
            STATIC_ENV: str(static),
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", str(ROOT / "bench"), "--factory",
             "web_load:bench_app", "--port", str(port), "--workers", str(workers),
             "--log-level", "warning", "--no-access-log"],
            env=environment,
            cwd=ROOT,
        )  # fmt: skip
        try:
            wait_for(base + "/healthz")
            _, home = fetch(base + "/")
            story_link = re.search(rb'href="(/story/\d+/[^"]+)"', home).group(1).decode()  # type: ignore[union-attr]
            _, story = fetch(base + story_link)
            (static / "story.html").write_bytes(story)
            urls = {
                "static": base + "/bench-static/story.html",
                "memory": base + "/bench-memory",
                "story": base + story_link,
                "home": base + "/",
            }
            run = run_wrk if args.tool == "wrk" else run_ab
            for page in PAGES:  # every worker renders and keeps its pages before timing
                run(urls[page], args.connections, WARM_UP_SECONDS)
            best: dict[str, dict] = {}
            for _ in range(args.rounds):
                for page in PAGES:
                    result = run(urls[page], args.connections, args.seconds)
                    print(page, result, flush=True)
                    if (
                        page not in best
                        or result["requests_per_second"] > best[page]["requests_per_second"]
                    ):
                        best[page] = result
        finally:
            server.terminate()
            server.wait(timeout=30)
    load = os.getloadavg()
    save_results(
        "web_load",
        {
            "tool": args.tool,
            "connections": args.connections,
            "seconds": args.seconds,
            "rounds": args.rounds,
            "workers": workers,
            "story_bytes": len(story),
            "load_average_after": [round(x, 2) for x in load],
            "pages": best,
        },
    )


if __name__ == "__main__":
    main()
