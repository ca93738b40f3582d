"""A normal run writes nothing to stderr but Gazette's own messages: cron mails whatever lands
there, so a progress bar or a library's notice on every run would bury the real errors."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from harbour import FEED, PAGE
from transformers.utils import logging as transformers_logging

from gazette.embedding import _libraries_quiet


def gazette(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command in a process of its own, so that the model is loaded afresh."""
    environment = {k: v for k, v in os.environ.items() if not k.upper().startswith("GAZETTE_")}
    return subprocess.run(
        [sys.executable, "-m", "gazette", *args],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_run_that_loads_the_model_writes_nothing_to_stderr(tmp_path: Path) -> None:
    (tmp_path / "feed.xml").write_text(FEED)
    (tmp_path / "crane.html").write_text(PAGE)
    assert gazette(tmp_path, "init").returncode == 0
    assert gazette(tmp_path, "sources", "add", "feed.xml").returncode == 0
    run = gazette(tmp_path, "run")
    assert run.returncode == 0, run.stderr
    assert "1 new story" in run.stdout  # clustering ran: the model was loaded
    assert run.stderr == ""


def test_loading_is_quiet_but_errors_still_show(caplog: pytest.LogCaptureFixture) -> None:
    bars = transformers_logging.is_progress_bar_enabled()
    verbosity = transformers_logging.get_verbosity()
    library = transformers_logging.get_logger("transformers.modeling_utils")
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        with _libraries_quiet():
            assert not transformers_logging.is_progress_bar_enabled()
            library.warning("a notice nobody acts on")
            logging.getLogger("sentence_transformers").warning("another notice")
            warnings.warn("a deprecation in a library", DeprecationWarning, stacklevel=1)
            library.error("a real failure")
        warnings.warn("after loading, warnings show again", UserWarning, stacklevel=1)
    assert [str(w.message) for w in shown] == ["after loading, warnings show again"]
    assert [r.getMessage() for r in caplog.records] == ["a real failure"]
    assert transformers_logging.is_progress_bar_enabled() == bars  # put back as they were
    assert transformers_logging.get_verbosity() == verbosity
