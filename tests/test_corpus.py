"""The demo corpus: what the issue asks of it, and that the committed files are current."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parent.parent / "demo"


def load_builder():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_corpus", DEMO / "build_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def test_committed_corpus_matches_its_sources(tmp_path: Path) -> None:
    written = load_builder().build(tmp_path)
    for path in written:
        relative = path.relative_to(tmp_path)
        assert (DEMO / relative).read_bytes() == path.read_bytes(), f"stale: {relative}"
    committed = {p.relative_to(DEMO) for p in (DEMO / "site").rglob("*") if p.is_file()}
    assert committed == {p.relative_to(tmp_path) for p in written if "site" in p.parts}


def test_corpus_covers_what_the_demo_must_show() -> None:
    expected = json.loads((DEMO / "expected.json").read_text())
    assert expected["articles"] >= 60 and expected["outlets"] >= 10
    assert len(expected["stories"]) >= 12
    assert len(expected["separate"]) >= 2
    assert any(len(urls) >= 3 for urls in expected["wire_groups"].values())
    assert expected["disagreements"]
    feeds = list((DEMO / "site").glob("*/feed.xml")) + list((DEMO / "site").glob("*/atom.xml"))
    assert any(f.name == "feed.xml" for f in feeds) and any(f.name == "atom.xml" for f in feeds)
    pages = list((DEMO / "site").rglob("*.html"))
    assert len(pages) == expected["articles"]
    assert sum('"' in p.read_text() or "“" in p.read_text() for p in pages) > 30  # direct quotes
