"""Does a source support a sentence? The check a written sentence and each source it cites must
pass, whoever wrote the sentence.

A source supports a sentence when all of these hold:
1. every figure of the sentence (numbers with their units, percentages, money, dates) is among
   the source's figures;
2. every proper name of the sentence appears in the source;
3. every quotation of the sentence is in the source word for word;
4. every word of the sentence that turns a statement around ("not", "denied", "rejected",
   "cancelled") is in the source too, so that the opposite claim in the same words fails; it
   must be in the passage of rule 5, not merely somewhere else in the report; and that passage
   may not have a clause on the same words with a turning word the sentence lacks ("Holt gave
   the cost" against "Holt did not give the cost");
5. one passage of the source (a sentence, or two adjacent ones) contains at least COVERAGE of
   the sentence's content words: the sentence says what that passage says, not merely something
   about the same names. A paraphrase (a language model's sentence) may instead show
   PARAPHRASE_COVERAGE of its words in one passage and a sentence-embedding similarity of at
   least PARAPHRASE_SIMILARITY to one of the source's sentences: the caller passes that
   similarity, since this module does not embed.

Rules 1 to 4 are lexical on purpose and no model can overrule them: a sentence with a number,
a name, a quotation or a denial its source lacks fails. The limit is the other side of that: a
faithful paraphrase in quite other words fails rule 5, so the check errs towards "not
supported", never towards inventing support; and a reversal in words rule 4 does not list
("the budget was approved" against "the budget was shelved") passes on its shared words.
"""

from __future__ import annotations

from dataclasses import dataclass

from gazette.write.facts import COVERAGE, claims_of, coverage, describe_source

PARAPHRASE_SIMILARITY = 0.70
PARAPHRASE_COVERAGE = 0.4


@dataclass(frozen=True)
class Verdict:
    supported: bool
    reason: str


def check_support(sentence: str, source_text: str, similarity: float | None = None) -> Verdict:
    """Whether `source_text` supports `sentence`, and why (or why not) in words. `similarity` is
    the sentence's closest embedding similarity to a sentence of the source, when known."""
    claims = claims_of(sentence)
    source = describe_source(0, [], source_text)
    missing_figures = sorted(claims.figure_values - source.figure_values)
    if missing_figures:
        return Verdict(False, f"figure {', '.join(missing_figures)} not in the source")
    missing_names = sorted(claims.names - source.words)
    if missing_names:
        return Verdict(False, f"name {', '.join(missing_names)} not in the source")
    for quotation in claims.quotations:
        if quotation not in source.text:
            return Verdict(False, f'quotation "{quotation}" not in the source word for word')
    turned = sorted(claims.polarity - source.polarity)
    if turned:
        return Verdict(False, f"says {', '.join(repr(w) for w in turned)}; the source does not")
    covered = coverage(claims, source)
    closest = coverage(claims, source, turning=False)
    if covered < COVERAGE <= closest:
        if claims.polarity:
            turning = ", ".join(repr(w) for w in sorted(claims.polarity))
            return Verdict(False, f"says {turning}; the source's passage on it does not")
        return Verdict(False, "the source's passage on it has a 'not' (or the like) it leaves out")
    if covered >= COVERAGE:
        return Verdict(True, f"{covered:.0%} of its content words in one passage")
    # A sentence model hardly tells "did" from "did not": no paraphrase of a passage that says
    # it the other way round.
    paraphrase = similarity is not None and similarity >= PARAPHRASE_SIMILARITY
    if paraphrase and covered >= PARAPHRASE_COVERAGE and covered >= closest:
        return Verdict(
            True,
            f"a paraphrase: similarity {similarity:.2f}, "
            f"{covered:.0%} of its content words in one passage",
        )
    return Verdict(False, f"at most {covered:.0%} of its content words in one passage")
