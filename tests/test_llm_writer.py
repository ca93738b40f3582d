"""The LLM writer against a real local HTTP server speaking the chat-completions protocol.

The scripted answers make the mistakes language models make: an invented number, a citation of
an outlet that did not report the fact, a paraphrased "quote", an unrelated sentence, a reversed
claim, a name in the headline that no source has. Each must be caught. When
GAZETTE_TEST_LLM_URL (and GAZETTE_TEST_LLM_MODEL) point at a real model, the tests of what any
answer must satisfy run against it as well.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import jsonschema
import pytest
from ferry import A, B, C
from helpers import names, numbers
from llmserver import FACT_LINE, Reply, parrot, scripted_llm

from gazette.config import LLMSettings
from gazette.llm import ChatClient, LLMUnavailable, completions_url, parse_json_object
from gazette.records import WrittenArticle
from gazette.write.compose import plan_article
from gazette.write.llm_writer import build_messages, write_with_llm

SOURCES = {"a": A, "b": B, "c": C}


def settings(url: str, **overrides: object) -> LLMSettings:
    values = {
        "url": url,
        "model": "scripted-model",
        "timeout_seconds": 5.0,
        "retries": 1,
        "retry_backoff_seconds": 0.0,
        **overrides,
    }
    return LLMSettings.model_validate(values)


def write(url: str, embedder, **overrides: object) -> WrittenArticle:
    client = ChatClient(settings(url, **overrides))
    try:
        return write_with_llm([A, B, C], embedder, client)
    finally:
        client.close()


# A summary sentence that names no fact: the body sentences of each test are not taken as
# repeating it.
SUMMARY = {
    "text": "The ferry service to Skarv Island was suspended on Monday after a fire broke out in "
    "the engine room of the MV Tern.",
    "facts": [],
    "sources": [1],
}


def answer(*body: dict, quote: dict | None = None, headline: str = "") -> dict:
    return {
        "headline": headline or "Engine fire on the MV Tern halts Skarv Island ferry",
        "summary": [SUMMARY],
        "body": list(body),
        "quote": quote,
    }


FIRE = {
    "text": "A fire in the engine room of the MV Tern on Monday forced the suspension of the "
    "ferry service to Skarv Island.",
    "facts": [1],
    "sources": [1, 2, 3],
}
RESUME = {
    "text": "The service will resume on Thursday with a replacement vessel.",
    "facts": [3],
    "sources": [1, 3],
}


def cited_keys(article: WrittenArticle, text: str) -> set[str]:
    keys = {r.number: r.key for r in article.references}
    sentence = next(s for s in article.body if s.text == text)
    return {keys[n] for n in sentence.citations}


def decision(article: WrittenArticle, proposed: str):
    return next(d for d in article.checks if d.proposed == proposed)


def test_a_faithful_answer_is_published_as_written_with_its_citations(embedder) -> None:
    with scripted_llm([Reply(answer(FIRE, RESUME))]) as (url, log):
        article = write(url, embedder)
    assert article.writer == "llm:scripted-model"
    assert [s.text for s in article.body] == [FIRE["text"], RESUME["text"]]
    assert cited_keys(article, FIRE["text"]) == {"a", "b", "c"}
    assert cited_keys(article, RESUME["text"]) == {"a", "c"}
    assert {d.outcome for d in article.checks if d.section == "body"} == {"kept"}
    assert article.headline == "Engine fire on the MV Tern halts Skarv Island ferry"
    request = log.requests[0]
    assert request.body["model"] == "scripted-model"
    assert request.body["response_format"]["type"] == "json_schema"
    assert "F1 (sources 1, 2, 3)" in request.body["messages"][-1]["content"]


def test_the_schema_asked_for_admits_the_answers_the_prompt_describes(embedder) -> None:
    with scripted_llm([Reply(parrot)]) as (url, log):
        article = write(url, embedder)
    assert article.writer == "llm:scripted-model"
    request = log.requests[0].body
    schema = request["response_format"]["json_schema"]["schema"]
    faithful = parrot(request)
    jsonschema.validate(faithful, schema)
    # ...and refuses what the writer cannot read: no body, citations as text, a sentence that
    # goes on for pages.
    for broken in (
        {**faithful, "body": []},
        {**faithful, "body": [{**faithful["body"][0], "sources": "1, 2"}]},
        {**faithful, "body": [{**faithful["body"][0], "text": "and " * 400}]},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema)


def test_json_formats_an_endpoint_refuses_are_dropped_once_for_the_next(embedder) -> None:
    # OpenAI's json_schema form refused with a 400, the schema inside json_object with a 500
    # that names response_format (as llama-cpp-python's server answers): plain JSON is left.
    script = [
        Reply(status=400, raw=b'{"error": "unknown response_format type json_schema"}'),
        Reply(status=500, raw=b'{"error": "response_format: extra field schema"}'),
        Reply(answer(FIRE)),
    ]
    with scripted_llm(script) as (url, log):
        client = ChatClient(settings(url, retries=0))
        try:
            first = write_with_llm([A, B, C], embedder, client)
            second = write_with_llm([A, B, C], embedder, client)
        finally:
            client.close()
    assert first.writer == second.writer == "llm:scripted-model"
    asked = [request.body["response_format"] for request in log.requests]
    assert asked[0]["type"] == "json_schema"
    assert asked[1]["type"] == "json_object" and asked[1]["schema"]
    assert asked[2] == asked[3] == {"type": "json_object"}  # the second story asks plainly


def test_a_server_error_that_is_not_about_the_format_is_retried_in_the_same_format(
    embedder,
) -> None:
    with scripted_llm([Reply(status=503), Reply(answer(FIRE))]) as (url, log):
        article = write(url, embedder, retries=1)
    assert article.writer == "llm:scripted-model"
    assert [r.body["response_format"]["type"] for r in log.requests] == ["json_schema"] * 2


def test_an_invented_number_is_replaced_by_the_source_sentence(embedder) -> None:
    invented = {
        "text": "All 120 passengers were brought back to Brenmouth harbour safely.",
        "facts": [2],
        "sources": [1, 2],
    }
    with scripted_llm([Reply(answer(FIRE, invented))]) as (url, _):
        article = write(url, embedder)
    assert all("120" not in s.text for s in article.body)
    checked = decision(article, invented["text"])
    assert checked.outcome == "replaced" and "figure 120" in checked.reason
    assert "86 passengers" in checked.final
    # the disagreement over the figure follows the fact, citing each side
    texts = [s.text for s in article.body]
    at = texts.index(checked.final)
    assert article.body[at + 1].kind == "disagreement" and "70 passengers" in texts[at + 1]


def test_a_sentence_cut_off_midway_is_replaced_by_the_source_sentence(embedder) -> None:
    # Every word is the sources' own, but the sentence stops where the model ran out of room.
    cut = {**FIRE, "text": FIRE["text"].removesuffix(" to Skarv Island.")}
    with scripted_llm([Reply(answer(cut, RESUME))]) as (url, _):
        article = write(url, embedder)
    checked = decision(article, cut["text"])
    assert checked.outcome == "replaced" and "cut off" in checked.reason
    assert checked.final.endswith(".") and "engine fire" in checked.final
    assert cut["text"] not in [s.text for s in article.body]
    assert RESUME["text"] in [s.text for s in article.body]


def test_a_citation_of_an_outlet_that_did_not_report_it_is_removed(embedder) -> None:
    worried = "Islanders said they were worried about deliveries of food and medicine."
    wrong_extra = {"text": worried, "facts": [4], "sources": [2, 3]}
    with scripted_llm([Reply(answer(FIRE, wrong_extra))]) as (url, _):
        article = write(url, embedder)
    assert cited_keys(article, worried) == {"b"}
    checked = decision(article, worried)
    assert checked.outcome == "corrected" and "[3] removed" in checked.reason


def test_a_sentence_cited_only_to_the_wrong_outlet_falls_back_to_its_source(embedder) -> None:
    worried = "Islanders were worried about deliveries of food and medicine, Harbour Post said."
    wrong_only = {"text": worried, "facts": [4], "sources": [3]}
    with scripted_llm([Reply(answer(FIRE, wrong_only))]) as (url, _):
        article = write(url, embedder)
    checked = decision(article, worried)
    assert checked.outcome == "replaced"
    assert cited_keys(article, checked.final) == {"b"}
    assert worried not in [s.text for s in article.body]


def test_a_paraphrased_quote_is_replaced_by_the_verbatim_one(embedder) -> None:
    paraphrased = {
        "text": "The crew did just what they had been trained for",
        "speaker": "Lena Holt",
        "source": 1,
    }
    with scripted_llm([Reply(answer(FIRE, quote=paraphrased))]) as (url, _):
        article = write(url, embedder)
    assert article.quote is not None
    assert article.quote.text == "Our crew did exactly what they were trained to do"
    assert article.quote.speaker == "Lena Holt"
    checked = decision(article, paraphrased["text"])
    assert checked.outcome == "replaced" and "word for word" in checked.reason


def test_a_quote_given_to_the_wrong_person_is_replaced(embedder) -> None:
    misattributed = {
        "text": "Our crew did exactly what they were trained to do",
        "speaker": "Harbour master Ivo Brandt",
        "source": 1,
    }
    with scripted_llm([Reply(answer(FIRE, quote=misattributed))]) as (url, _):
        article = write(url, embedder)
    assert article.quote is not None and article.quote.speaker == "Lena Holt"
    assert "Holt" in decision(article, misattributed["text"]).reason


def test_an_unrelated_sentence_is_dropped(embedder) -> None:
    unrelated = {
        "text": "In a separate development, a local startup raised new funding from investors.",
        "sources": [1],
    }
    with scripted_llm([Reply(answer(FIRE, unrelated, RESUME))]) as (url, _):
        article = write(url, embedder)
    assert [s.text for s in article.body] == [FIRE["text"], RESUME["text"]]
    assert decision(article, unrelated["text"]).outcome == "dropped"


def test_a_verdict_in_the_models_own_voice_is_not_published(embedder) -> None:
    # the fire's fact, with a judgement no source is named as making
    verdict = {**FIRE, "text": FIRE["text"].removesuffix(".") + ", a shameful failure."}
    with scripted_llm([Reply(answer(verdict, RESUME))]) as (url, _):
        article = write(url, embedder)
    assert all("shameful" not in s.text for s in [*article.summary, *article.body])
    checked = decision(article, verdict["text"])
    assert checked.outcome in ("replaced", "dropped") and "judgement" in checked.reason


def test_an_answer_mostly_wrong_gives_way_to_the_default_article(embedder) -> None:
    # Two of three sentences fail: the one that passes is not enough to trust the answer.
    unrelated = {"text": "A local startup raised new funding from investors.", "sources": [1]}
    cut = {**RESUME, "text": "The service will resume on Thursday with a"}
    with scripted_llm([Reply(answer(FIRE, unrelated, cut))]) as (url, _):
        article = write(url, embedder)
    assert article.writer == "extractive"
    assert "1 of the answer's 3 sentences passed" in article.checks[-1].reason
    # the editor still sees what the check made of each sentence
    assert decision(article, unrelated["text"]).outcome == "dropped"
    assert decision(article, FIRE["text"]).outcome == "kept"


def test_a_reversed_claim_in_the_same_words_is_caught(embedder) -> None:
    reversed_claim = {
        "text": "The service will not resume on Thursday with a replacement vessel.",
        "facts": [3],
        "sources": [1, 3],
    }
    with scripted_llm([Reply(answer(FIRE, reversed_claim))]) as (url, _):
        article = write(url, embedder)
    checked = decision(article, reversed_claim["text"])
    assert checked.outcome == "replaced" and "'not'" in checked.reason
    assert all(" not " not in s.text for s in article.body)


def test_a_headline_with_a_name_no_source_has_is_replaced(embedder) -> None:
    invented = "Minister Ivo Brandt orders inquiry into Skarv ferry fire"
    with scripted_llm([Reply(answer(FIRE, headline=invented))]) as (url, _):
        article = write(url, embedder)
    assert article.headline != invented and "Brandt" not in article.headline
    assert "name" in decision(article, invented).reason


@pytest.mark.parametrize(
    "broken",
    [
        Reply("I am sorry, I cannot help with that."),
        Reply({"headline": "Ferry fire", "body": "not a list"}),
        Reply({"headline": "x", "body": [{"text": "Unrelated words about nothing at all."}]}),
    ],
    ids=["prose", "no-body-list", "nothing-passes"],
)
def test_an_unusable_answer_falls_back_to_the_default_writer(embedder, broken: Reply) -> None:
    with scripted_llm([broken]) as (url, _):
        article = write(url, embedder)
    assert article.writer == "extractive"
    assert article.body and article.checks[-1].outcome == "fallback"


def test_a_down_endpoint_falls_back_at_once_for_the_next_stories(embedder) -> None:
    with scripted_llm([Reply()]) as (url, _):
        pass  # the port is closed again: nothing listens there now
    client = ChatClient(settings(url, retries=1))
    try:
        first = write_with_llm([A, B, C], embedder, client)
        started = time.monotonic()
        second = write_with_llm([A, B, C], embedder, client)
        assert time.monotonic() - started < 2.0
    finally:
        client.close()
    for article in (first, second):
        assert article.writer == "extractive" and article.checks[-1].outcome == "fallback"
    assert "cannot reach" in first.checks[-1].reason
    assert "marked down" in second.checks[-1].reason


def test_rate_limited_and_failing_requests_are_retried(embedder) -> None:
    script = [
        Reply(status=429, headers={"Retry-After": "0"}),
        Reply("not json {"),
        Reply(answer(FIRE)),
    ]
    with scripted_llm(script) as (url, log):
        article = write(url, embedder, retries=2)
    assert len(log.requests) == 3
    assert article.writer == "llm:scripted-model"


def test_a_server_that_keeps_failing_gets_retries_then_the_fallback(embedder) -> None:
    with scripted_llm([Reply(status=503)]) as (url, log):
        article = write(url, embedder, retries=2)
    assert len(log.requests) == 3
    assert article.writer == "extractive" and "HTTP 503" in article.checks[-1].reason


def test_a_wrong_key_or_model_is_not_retried(embedder) -> None:
    with scripted_llm([Reply(status=401, raw=b'{"error": "invalid api key"}')]) as (url, log):
        article = write(url, embedder, retries=3)
    assert len(log.requests) == 1
    assert (
        "HTTP 401" in article.checks[-1].reason and "invalid api key" in article.checks[-1].reason
    )


def test_a_slow_endpoint_times_out_into_the_fallback(embedder) -> None:
    with scripted_llm([Reply(answer(FIRE), delay=3.0)]) as (url, _):
        started = time.monotonic()
        article = write(url, embedder, timeout_seconds=0.5, retries=0)
        elapsed = time.monotonic() - started
    assert article.writer == "extractive" and "timed out" in article.checks[-1].reason
    assert elapsed < 2.5


def test_the_key_is_sent_and_requests_are_spaced_by_the_rate_limit() -> None:
    with scripted_llm([Reply({"ok": True})]) as (url, log):
        client = ChatClient(settings(url, api_key="s3cret", requests_per_minute=120))
        try:
            client.complete_json([{"role": "user", "content": "hi"}])
            client.complete_json([{"role": "user", "content": "again"}])
        finally:
            client.close()
    assert log.requests[0].headers["Authorization"] == "Bearer s3cret"
    # 120 a minute: one every 0.5 s. The server stamps a request when it has read it, and the
    # first one also waited for its connection, so the stamps may be closer than the sends.
    gap = log.requests[1].at - log.requests[0].at
    assert gap >= 0.4


def test_answers_are_read_from_fences_and_bad_ones_named() -> None:
    assert parse_json_object('```json\n{"a": 1}\n```') == {"a": 1}
    # A raw line break inside a string, as models write them.
    assert parse_json_object('{"a": "two\nlines"}') == {"a": "two\nlines"}
    with pytest.raises(ValueError, match="not an object"):
        parse_json_object("[1, 2]")
    with pytest.raises(ValueError, match="not JSON"):
        parse_json_object("{'a': 1}")
    assert completions_url("http://h:1/v1/") == "http://h:1/v1/chat/completions"
    assert completions_url("http://h:1/v1/chat/completions") == "http://h:1/v1/chat/completions"


def test_the_client_needs_an_endpoint() -> None:
    with pytest.raises(ValueError, match="no LLM endpoint"):
        ChatClient(LLMSettings())
    with pytest.raises(LLMUnavailable):
        ChatClient(settings("http://127.0.0.1:9", retries=0)).complete_json([])


# --- what every answer must satisfy: scripted, and a real model when one is configured ------


def endpoints() -> Iterator[object]:
    yield pytest.param("scripted", id="scripted")
    if os.environ.get("GAZETTE_TEST_LLM_URL"):
        yield pytest.param("real", id="real-model")


@pytest.fixture(params=list(endpoints()))
def llm_article(request, embedder) -> Iterator[WrittenArticle]:
    if request.param == "real":
        real = settings(
            os.environ["GAZETTE_TEST_LLM_URL"],
            model=os.environ.get("GAZETTE_TEST_LLM_MODEL", "default"),
            api_key=os.environ.get("GAZETTE_TEST_LLM_KEY", ""),
            timeout_seconds=300.0,
        )
        client = ChatClient(real)
        try:
            yield write_with_llm([A, B, C], embedder, client)
        finally:
            client.close()
        return
    with scripted_llm([Reply(parrot)]) as (url, _):
        yield write(url, embedder)


def test_every_published_sentence_holds_only_what_its_cited_sources_say(llm_article) -> None:
    by_number = {r.number: SOURCES[r.key] for r in llm_article.references}
    assert llm_article.body
    for sentence in [*llm_article.summary, *llm_article.body]:
        assert sentence.citations, sentence.text
        if sentence.kind == "disagreement":
            continue
        for number in sentence.citations:
            source = by_number[number].text
            assert numbers(sentence.text) <= numbers(source), (sentence.text, number)
            assert names(sentence.text) <= names(source) | {"The"}, (sentence.text, number)


def test_the_quote_is_verbatim_and_attributed(llm_article) -> None:
    quote = llm_article.quote
    assert quote is not None
    cited = {r.number: SOURCES[r.key] for r in llm_article.references}[quote.citation]
    assert quote.text in cited.text
    assert quote.speaker.split()[-1] in cited.text


def test_every_decision_is_recorded(llm_article) -> None:
    sections = {d.section for d in llm_article.checks}
    if llm_article.writer == "extractive":
        assert llm_article.checks[-1].outcome == "fallback"
    else:
        assert {"body", "headline", "quote"} <= sections
        published = {s.text for s in llm_article.body if s.kind == "fact"}
        finals = {d.final for d in llm_article.checks if d.section == "body"}
        assert published <= finals


def test_every_fact_line_of_the_prompt_reads_as_number_sources_and_text(embedder) -> None:
    # The ferry story has a disputed figure, whose line carries a note: the note must not run
    # into the fact's text (a model would copy "cite only these" into the article).
    plan = plan_article([A, B, C], embedder, 250)
    assert any(fact.disagreement for fact in plan.chosen)
    prompt = build_messages(plan, 250)[-1]["content"]
    lines = FACT_LINE.findall(prompt)
    assert [text for _, _, text in lines] == [fact.sentence.text for fact in plan.chosen]
    for (_, sources, _), fact in zip(lines, plan.chosen, strict=True):
        assert [int(s) - 1 for s in sources.split(",")] == sorted(fact.supporters)
