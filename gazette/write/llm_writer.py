"""The LLM writer: a language model words the article, the support check decides what stays.

The model never sees raw articles. It receives the facts the default writer chose (each with
the numbers of the sources that report it), the quotations found in the sources and the
sources' titles, and answers with JSON: a headline, summary and body sentences that each name
the facts they restate and the sources they cite, and one quote.

Nothing of the answer is trusted. Every sentence is checked against every source it cites with
`verify.check_support` (figures, names, quotations, turning words, and content in one passage,
where a close sentence-embedding similarity lets a paraphrase through):
- a citation whose source does not support the sentence is removed; a source that reports the
  sentence's fact and supports the sentence is added ("corrected");
- a sentence that no cited source supports is replaced by the extractive sentence of the fact
  it names ("replaced"), or left out when it names none, or that sentence is already in
  ("dropped");
- the quote must be one of the sources' attributed quotations, word for word, with its speaker;
  otherwise the default writer's quote stands in;
- the headline may hold no figure, name or turning word that no source has.
Every decision is returned with the article (`WrittenArticle.checks`) and stored for the
editor. Where sources disagree on a figure, the default writer's disagreement sentence follows
the sentence that states the fact. When the endpoint is down or the answer has no usable body,
the article is the default writer's, with a "fallback" decision saying why.

The prompt and the answer's schema are in `llm_prompt`, the check of each piece in `llm_check`.
"""

from __future__ import annotations

from typing import Any

from gazette.embedding import Embedder
from gazette.errors import LLMError
from gazette.llm import ChatClient
from gazette.records import CheckDecision, CitedSentence, SourceArticle, WrittenArticle
from gazette.write.compose import Plan, extractive_article, plan_article
from gazette.write.llm_check import PASSED, Checker, read_proposal
from gazette.write.llm_prompt import answer_schema, build_messages

__all__ = ["PASSED", "build_messages", "check_answer", "write_with_llm"]


def write_with_llm(
    sources: list[SourceArticle], embedder: Embedder, client: ChatClient, max_words: int = 250
) -> WrittenArticle:
    """The story's article worded by the model and checked; the default writer's on failure."""
    plan = plan_article(sources, embedder, max_words)
    try:
        answer = client.complete_json(build_messages(plan, max_words), answer_schema(plan))
    except LLMError as exc:
        return _fallback(plan, f"endpoint unavailable: {exc}")
    try:
        return check_answer(plan, answer.data, embedder, f"llm:{answer.model}")
    except ValueError as exc:
        return _fallback(plan, f"answer unusable: {exc}")


def check_answer(
    plan: Plan, answer: dict[str, Any], embedder: Embedder, writer: str
) -> WrittenArticle:
    """The article made of what passes the support check, with every decision."""
    body_items = answer.get("body")
    if not isinstance(body_items, list) or not body_items:
        raise ValueError('no "body" list of sentences')
    summary_items = answer.get("summary") if isinstance(answer.get("summary"), list) else []
    proposals = {
        "summary": [read_proposal(item, plan) for item in summary_items],
        "body": [read_proposal(item, plan) for item in body_items],
    }
    checker = Checker(plan, embedder, [p.text for ps in proposals.values() for p in ps])
    summary = checker.section("summary", proposals["summary"]) or checker.default_summary()
    body = checker.section("body", proposals["body"])
    body = [*checker.summary_disagreements(), *body]
    outcomes = [d.outcome for d in checker.decisions if d.section == "body"]
    passed = sum(outcome in PASSED for outcome in outcomes)
    if passed * 2 < len(outcomes):
        # A model that gets most of its sentences wrong is not following its facts: what is
        # left of its answer (a sentence or two among stand-ins) is not the article to publish.
        reason = f"{passed} of the answer's {len(outcomes)} sentences passed the check"
        return _fallback(plan, reason, checker.decisions)
    quote = checker.quote(answer.get("quote"))
    headline = checker.headline(answer.get("headline"))
    return WrittenArticle(
        headline=headline,
        summary=[CitedSentence(s.text, s.citations, 0) for s in summary],
        body=body,
        references=checker.refs.references(),
        quote=quote,
        writer=writer,
        checks=checker.decisions,
        brief=plan.brief,
    )


def _fallback(
    plan: Plan, reason: str, decisions: list[CheckDecision] | None = None
) -> WrittenArticle:
    article = extractive_article(plan)
    article.checks = [
        *(decisions or []),
        CheckDecision("article", 0, "", (), "fallback", reason + "; the default writer's article"),
    ]
    return article
