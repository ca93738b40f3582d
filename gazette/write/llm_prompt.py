"""What the language model is asked: the prompt and the shape of the answer.

The model never sees raw articles: it is given the numbered sources (outlet, title, date), the
facts the default writer chose, the summary's first and then the body's in news order, each with
the numbers of the sources that report it, and the sources' attributed quotations. The answer's
JSON schema goes with the request, so that an endpoint that constrains decoding makes even a
small model answer in the right shape (`gazette.llm` tries the ways endpoints spell it).
"""

from __future__ import annotations

from typing import Any

from gazette.write.compose import Plan

# Bounds on the answer's strings (see `answer_schema`): beyond any good headline or name, and no
# sentence need be shorter than the first; they only stop a model that would otherwise write
# until it runs out of tokens.
MIN_SENTENCE_CHARACTERS = 200
HEADLINE_CHARACTERS = 200
NAME_CHARACTERS = 100

SYSTEM_PROMPT = """You are a careful wire-service editor. You write one news article from \
facts that several outlets reported.
Rules:
- Use only the facts given. Add no name, number, date, place or claim that is not in them.
- Keep every figure and name exactly as written in the facts.
- Every sentence lists the facts it restates ("facts") and the sources that reported them \
("sources"), taken from those facts' source lists. Do not put citation markers in the text.
- Do not state two facts in one sentence unless you cite the sources of both.
- The quote must be copied word for word from the quotes given, with its speaker and source.
- Neutral wire style: what happened first, then details, reactions, background.
- Every sentence names who or what it is about: no sentence opens with "he", "they" or "this" \
unless the sentence before names them; every quotation names its speaker.
Answer with one JSON object only, in this form:
{"headline": "...",
 "summary": [{"text": "...", "facts": [1], "sources": [1, 2]}],
 "body": [{"text": "...", "facts": [1], "sources": [1, 2], "paragraph": 0}],
 "quote": {"text": "...", "speaker": "...", "source": 2}}
Use null for "quote" when no quote is given."""


SUMMARY_FACTS = "Summary facts (write the summary from these):"
BODY_FACTS = (
    "Body facts, in news order (the body carries on from the summary and does not repeat it):"
)


def answer_schema(plan: Plan) -> dict[str, Any]:
    """The JSON schema of an answer about `plan`'s facts, for endpoints that can constrain a
    model's output to it (see gazette.llm). Lists and strings are bounded (a sentence per fact,
    and a little more; a sentence a fifth longer than the longest fact's), so that a model that
    keeps going must still close its JSON within max_tokens."""
    facts, sources = len(plan.chosen), len(plan.originals)
    longest = max([len(fact.sentence.text) for fact in plan.chosen] + [MIN_SENTENCE_CHARACTERS])

    def numbers(most: int) -> dict[str, Any]:
        return {"type": "array", "items": {"type": "integer"}, "maxItems": max(1, most)}

    def text(most: int) -> dict[str, Any]:
        return {"type": "string", "minLength": 1, "maxLength": most}

    def sentences(least: int, most: int, **extra: Any) -> dict[str, Any]:
        fields = {"text": text(longest * 6 // 5), "facts": numbers(facts)}
        item = _object({**fields, "sources": numbers(sources), **extra})
        return {"type": "array", "items": item, "minItems": least, "maxItems": most}

    quote = {
        "text": text(max([len(found.text) for _, found in plan.quotes] + [1])),
        "speaker": text(NAME_CHARACTERS),
        "source": {"type": "integer"},
    }
    return _object(
        {
            "headline": text(HEADLINE_CHARACTERS),
            "summary": sentences(1, 3),
            "body": sentences(1, facts + 2, paragraph={"type": "integer"}),
            "quote": {"anyOf": [_object(quote), {"type": "null"}]},
        }
    )


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    """A JSON schema object whose properties are all required."""
    return {"type": "object", "properties": properties, "required": list(properties)}


def build_messages(plan: Plan, max_words: int) -> list[dict[str, str]]:
    """The prompt: sources, numbered facts in news order, attributed quotations."""
    lines = ["Sources:"]
    for number, source in enumerate(plan.originals, start=1):
        when = source.published.date().isoformat() if source.published else "undated"
        lines.append(f"[{number}] {source.outlet or 'unknown outlet'}: {source.title} ({when})")
    for number, fact in enumerate(plan.chosen, start=1):
        if number == 1:
            lines += ["", SUMMARY_FACTS]
        if number == len(plan.summary) + 1:
            lines += ["", BODY_FACTS]
        cited = ", ".join(str(i + 1) for i in sorted(fact.supporters))
        note = " (other sources give another figure; cite only these)" * bool(fact.disagreement)
        lines.append(f"F{number} (sources {cited}){note}: {fact.sentence.text}")
    if plan.quotes:
        lines += ["", "Quotes:"]
        for index, found in plan.quotes:
            lines.append(f'(source {index + 1}) {found.speaker}: "{found.text}"')
    lines += [
        "",
        f"Write a headline of at most 14 words, a summary of 2 to 3 sentences and a body of at "
        f"most {max_words} words.",
    ]
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": "\n".join(lines)},
    ]
