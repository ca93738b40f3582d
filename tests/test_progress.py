"""Long commands show their progress on a terminal, and nothing of it when their output goes to
a file or a pipe (cron mail)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from fight import FIGHT

ROOT = Path(__file__).resolve().parent.parent


def local_feed(folder: Path) -> Path:
    """A feed file of two reports whose pages lie beside it (file:// links)."""
    items = []
    for i in range(2):
        title, text = FIGHT[i]
        page = folder / f"fight-{i}.html"
        paragraphs = "".join(f"<p>{s}.</p>" for s in text.rstrip(".").split(". "))
        page.write_text(
            f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"{paragraphs}</article></body></html>"
        )
        items.append(
            f"<item><title>{title}</title><link>{page.as_uri()}</link>"
            f"<pubDate>Mon, 16 Nov 2026 0{8 + i}:00:00 +0000</pubDate></item>"
        )
    feed = folder / "feed.xml"
    channel = f"<channel>{''.join(items)}</channel>"
    feed.write_text(f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>')
    return feed


def gazette(folder: Path, *args: str, terminal: bool) -> tuple[int, str]:
    """Run a command; with `terminal`, its stderr is a pseudo-terminal. Its stderr, as text."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GAZETTE_")}
    environment.update(COLUMNS="120", TERM="xterm")
    command = [sys.executable, "-m", "gazette", *args]
    if not terminal:
        done = subprocess.run(command, cwd=folder, env=environment, capture_output=True, text=True)
        return done.returncode, done.stderr
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        command, cwd=folder, env=environment, stdout=subprocess.DEVNULL, stderr=follower
    )
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the command ended and closed its end
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    return process.wait(timeout=120), seen.decode(errors="replace")


def test_a_run_shows_each_stage_on_a_terminal_and_nothing_in_a_pipe(tmp_path: Path) -> None:
    assert gazette(tmp_path, "init", terminal=False)[0] == 0
    feed = local_feed(tmp_path)
    assert gazette(tmp_path, "sources", "add", str(feed), terminal=False)[0] == 0
    code, shown = gazette(tmp_path, "run", terminal=True)
    assert code == 0, shown
    for stage in ("fetch: 2 pages", "extract: 2 articles", "cluster: 2 assigned"):
        assert stage in shown, shown
    code, quiet = gazette(tmp_path, "run", "--all-sources", terminal=False)
    assert code == 0 and quiet == ""
