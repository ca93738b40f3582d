"""Does a source support a sentence? The check a written sentence and each source it cites must
pass, whoever wrote the sentence.

A source supports a sentence when all of these hold:
1. every figure of the sentence (numbers with their units, percentages, money, dates) is among
   the source's figures;
2. every proper name of the sentence appears in the source;
3. every quotation of the sentence is in the source word for word;
4. one passage of the source (a sentence, or two adjacent ones) contains at least COVERAGE of
   the sentence's content words: the sentence says what that passage says, not merely something
   about the same names.

It is lexical on purpose: it does not share the sentence model the default writer chooses its
citations with, so it can judge that writer's citations as well as a language model's. Its
limit is the other side of that: a faithful paraphrase in other words fails rule 4, so the
check errs towards "not supported", never towards inventing support.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from gazette.write.facts import COVERAGE, SourceFacts, claims_of, coverage, describe_source


@dataclass(frozen=True)
class Verdict:
    supported: bool
    reason: str


@lru_cache(maxsize=512)
def _read(source_text: str) -> SourceFacts:
    return describe_source(0, [], source_text)


def check_support(sentence: str, source_text: str) -> Verdict:
    """Whether `source_text` supports `sentence`, and why (or why not) in words."""
    claims = claims_of(sentence)
    source = _read(source_text)
    missing_figures = sorted(claims.figure_values - source.figure_values)
    if missing_figures:
        return Verdict(False, f"figure {', '.join(missing_figures)} not in the source")
    missing_names = sorted(claims.names - source.words)
    if missing_names:
        return Verdict(False, f"name {', '.join(missing_names)} not in the source")
    for quotation in claims.quotations:
        if quotation not in source.text:
            return Verdict(False, f'quotation "{quotation}" not in the source word for word')
    covered = coverage(claims.words, source)
    if covered < COVERAGE:
        return Verdict(False, f"at most {covered:.0%} of its content words in one passage")
    return Verdict(True, f"{covered:.0%} of its content words in one passage")
