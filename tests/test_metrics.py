"""/metrics: the pipeline's numbers in Prometheus's format, read from the database."""

from __future__ import annotations

from conftest import DemoRun
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from gazette.web import create_app


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_count_the_demo_s_work_and_what_waits(demo: DemoRun) -> None:
    response = TestClient(create_app(demo.settings, demo.database)).get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    found = samples(response.text)
    articles = demo.expected["articles"]
    assert found[("gazette_stage_items_total", (("stage", "fetch"),))] == articles
    assert found[("gazette_stage_items_total", (("stage", "extract"),))] == articles
    assert found[("gazette_stage_errors_total", (("stage", "fetch"),))] == 0
    assert found[("gazette_stage_seconds_total", (("stage", "cluster"),))] > 0
    stories = len(demo.expected["stories"])
    assert found[("gazette_stories_published", ())] == stories
    assert found[("gazette_stage_items_total", (("stage", "publish"),))] >= stories
    for stage in ("fetch", "extract", "dedupe", "cluster", "write", "tag"):
        assert found[("gazette_backlog", (("stage", stage),))] == 0
        assert found[("gazette_retrying", (("stage", stage),))] == 0
    assert found[("gazette_workers_alive", ())] == 0


def test_metrics_can_be_turned_off(demo: DemoRun) -> None:
    site = demo.settings.site.model_copy(update={"metrics": False})
    settings = demo.settings.model_copy(update={"site": site})
    assert TestClient(create_app(settings, demo.database)).get("/metrics").status_code == 404
