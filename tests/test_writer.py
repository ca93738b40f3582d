"""The extractive writer on small hand-written stories, and the summarize batch format."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from ferry import B_COPY, T0, A, B, C
from helpers import normalise

from gazette.batch import SummarizeInput, summarize_record
from gazette.config import WriteSettings
from gazette.errors import InputError
from gazette.records import SourceArticle
from gazette.write import write_article
from gazette.write.article import best_quote, tells_quote
from gazette.write.headline import clean_headline
from gazette.write.quotes import FoundQuote, find_quotes
from gazette.write.stage import StoryWriter
from gazette.write.verify import check_support


def test_every_sentence_cites_sources_that_support_it(embedder) -> None:
    article = write_article([A, B, C], embedder)
    keys = {r.number: r.key for r in article.references}
    texts = {"a": A.text, "b": B.text, "c": C.text}
    assert article.body and all(s.citations for s in article.body)
    for sentence in article.body:
        if sentence.kind == "fact":
            assert any(
                normalise(sentence.text) in normalise(texts[keys[n]]) for n in sentence.citations
            )
    # a fact reported by all three cites all three
    lead_citations = {keys[n] for n in article.body[0].citations}
    assert lead_citations == {"a", "b", "c"}


def test_figures_that_disagree_are_stated_with_each_side(embedder) -> None:
    article = write_article([A, B, C], embedder)
    disagreements = [s for s in article.body if s.kind == "disagreement"]
    assert len(disagreements) == 1
    text = disagreements[0].text
    assert "86 passengers" in text and "70 passengers" in text
    numbers = {r.key: r.number for r in article.references}
    assert f"Harbour Post reported 70 passengers [{numbers['c']}]" in text
    # the 86 figure is never cited to the outlet that said 70
    for sentence in article.body:
        if "86" in sentence.text and sentence.kind == "fact":
            assert numbers["c"] not in sentence.citations


def test_a_syndicated_copy_is_never_a_separate_reference(embedder) -> None:
    article = write_article([A, B, B_COPY, C], embedder)
    assert "b-copy" not in {r.key for r in article.references}
    assert len(article.references) == 3


def test_a_quotation_is_printed_once_with_its_speaker(embedder) -> None:
    article = write_article([A, B, C], embedder)
    quoting = [s.text for s in [*article.summary, *article.body] if "trained to do" in s.text]
    if article.quote is not None:  # shown beside the article, and not printed again
        assert not quoting and article.quote.speaker == "Lena Holt"
    else:
        assert len(quoting) == 1 and ("Holt said" in quoting[0] or "Lena Holt" in quoting[0])


def test_quote_is_verbatim_with_the_full_name_of_the_speaker(embedder) -> None:
    article = write_article([A, B, C], embedder, max_words=8)  # no room for it in the body
    assert all("trained to do" not in s.text for s in [*article.summary, *article.body])
    assert article.quote is not None
    assert article.quote.text == "Our crew did exactly what they were trained to do"
    assert article.quote.speaker == "Lena Holt"
    cited = next(r for r in article.references if r.number == article.quote.citation)
    assert cited.key in {"a", "b"}


def test_headline_is_cleaned_of_the_outlet_name(embedder) -> None:
    article = write_article([A], embedder)
    assert article.headline == "Ferry service to Skarv Island suspended after engine fire"


@pytest.mark.parametrize(
    ("title", "outlet", "expected"),
    [
        ("Mayor resigns - The Daily Example", "The Daily Example", "Mayor resigns"),
        ("Mayor resigns | Example News", "", "Mayor resigns"),
        ("Mayor resigns — example.com", "", "Mayor resigns — example.com"),
        ("Mayor resigns — example.com", "Example", "Mayor resigns — example.com"),
        ("Mayor resigns — example.com", "", "Mayor resigns — example.com"),
        ("Mayor quits - again", "Daily", "Mayor quits - again"),
        ("Daily: Mayor quits", "Daily", "Mayor quits"),
        # the item's format or urgency is no part of the story's headline
        (
            "Photos: Hope fades as teams dig for survivors",
            "",
            "Hope fades as teams dig for survivors",
        ),
        ("WATCH | Mayor quits", "", "Mayor quits"),
        ("Breaking news: Mayor quits", "", "Mayor quits"),
        ("UPDATE 2-Mayor quits", "", "Mayor quits"),
        ("Watch list grows: six more towns named", "", "Watch list grows: six more towns named"),
        ("Video games: sales rise", "", "Video games: sales rise"),
        ("Class 12 results declared, check direct link here", "", "Class 12 results declared"),
        ("Exam on September 13: Check details here", "", "Exam on September 13"),
        ("Pixel 11 launched: everything you need to know", "", "Pixel 11 launched"),
        # words of the headline's own are no label or teaser
        ("Photo-finish decides Olympic 100m final", "", "Photo-finish decides Olympic 100m final"),
        ("Trump: Here's why I fired Comey", "", "Trump: Here's why I fired Comey"),
        (
            "Minister: all you need to know is that we won",
            "",
            "Minister: all you need to know is that we won",
        ),
        ("Results declared, check direct link here | Times", "", "Results declared"),
    ],
)
def test_clean_headline(title: str, outlet: str, expected: str) -> None:
    assert clean_headline(title, outlet) == expected


def test_clean_headline_uses_the_domain() -> None:
    assert clean_headline("Mayor resigns — example.com", "", "example.com") == "Mayor resigns"


def test_single_source_story(embedder) -> None:
    article = write_article([C], embedder)
    assert 2 <= len(article.summary) <= 3
    assert {n for s in article.body for n in s.citations} == {1}
    assert [r.key for r in article.references] == ["c"]


def test_sources_without_sentences_are_skipped_and_all_empty_is_an_error(embedder) -> None:
    empty = SourceArticle(key="e", title="Only a headline", text="")
    article = write_article([empty, C], embedder)
    assert [r.key for r in article.references] == ["c"]
    nothing = SourceArticle(key="n", title="", text="Cut off in the middle of a")
    with pytest.raises(InputError, match=r"no.*sentence or a title"):
        write_article([nothing], embedder)
    with pytest.raises(InputError, match="at least one source"):
        write_article([], embedder)


def test_the_word_budget_holds(embedder) -> None:
    article = write_article([A, B, C], embedder, max_words=40)
    assert 0 < article.word_count <= 40


def test_quotes_need_a_named_speaker() -> None:
    text = (
        "Council leader Mia Strand opened the meeting. "
        '"We will not raise taxes this year," she said.\n'
        '"Somebody said something here that is long enough to count," a witness recalled.\n'
        'Finance chief Omar Haddad said: "The budget balances without any new borrowing at all."'
    )
    found = {q.text: q.speaker for q in find_quotes(text)}
    assert found == {
        "We will not raise taxes this year": "Mia Strand",
        "The budget balances without any new borrowing at all.": "Omar Haddad",
    }


HARBOUR_MASTER = SourceArticle(
    key="d",
    outlet="Skarv Gazette",
    url="https://skarvgazette.example/tern",
    published=T0 + timedelta(hours=5),
    title="MV Tern to be inspected before it sails again",
    text=(
        "The MV Tern will be inspected in Brenmouth this week after Monday's engine fire.\n"
        '"We will not send the ship back into service before every check is done," said '
        "harbour master Ove Strand."
    ),
)


def test_summarize_output_has_exactly_the_documented_fields(embedder) -> None:
    record = SummarizeInput.model_validate(
        {
            "id": "ferry",
            "sources": [
                {
                    "title": s.title,
                    "text": s.text,
                    "url": s.url,
                    "source": s.outlet,
                    "published": s.published.isoformat(),
                }
                for s in (A, B, B_COPY, C, HARBOUR_MASTER)
            ],
        }
    )
    # a short body leaves a quotation to the key quote
    output = summarize_record(record, StoryWriter(embedder, WriteSettings(max_words=40)))
    json.dumps(output)  # serialisable as it is
    assert set(output) == {
        "id",
        "headline",
        "summary",
        "body",
        "sentences",
        "references",
        "quote",
        "tags",
    }
    assert set(output["quote"]) == {"text", "speaker", "citation"}
    assert all(set(r) == {"url", "title", "source", "published"} for r in output["references"])
    numbers = range(1, len(output["references"]) + 1)
    for sentence in output["sentences"]:
        assert set(sentence) == {"text", "citations"} and sentence["citations"]
        assert set(sentence["citations"]) <= set(numbers)
    assert "[1]" in output["body"]
    assert "Reprint" not in {r["source"] for r in output["references"]}
    assert "Lena Holt" in output["tags"] and "Skarv Island" in output["tags"]


FRENCH = SourceArticle(
    key="fr",
    outlet="Le Courrier des Îles",
    url="https://courrier.example/tern",
    published=T0 + timedelta(minutes=30),
    title="Le ferry de Skarv suspendu après un incendie",
    text=(
        "Le service de ferry vers l'île de Skarv a été suspendu lundi après un incendie dans la "
        "salle des machines du MV Tern.\n"
        "Les 86 passagers ont été ramenés sains et saufs au port de Brenmouth, selon l'opérateur."
    ),
)


def test_a_source_in_another_language_is_left_out(embedder) -> None:
    article = write_article([A, FRENCH, B, C], embedder)
    assert "fr" not in [r.key for r in article.references]
    assert all("ferry de Skarv" not in s.text for s in article.body)
    # Most sources decide: the same report alone is written in its own language.
    alone = write_article([FRENCH], embedder)
    assert [r.key for r in alone.references] == ["fr"]


def test_a_story_of_two_hundred_sources_is_read_by_its_leads(embedder) -> None:
    sources = [
        SourceArticle(
            key=f"s{n}",
            outlet=f"Outlet {n}",
            url=f"https://outlet{n}.example/tern",
            published=T0 + timedelta(minutes=n),
            title=f"Skarv ferry halted by engine fire ({n})",
            text=A.text
            + "\n"
            + " ".join(f"Detail {n}-{k} of the day was noted." for k in range(9)),
        )
        for n in range(200)
    ]
    article = write_article(sources, embedder)
    assert article.word_count <= 250 and article.summary
    assert all(s.citations for s in [*article.summary, *article.body])
    # The lead fact is carried by every outlet, and every one of them stays citable for it.
    assert len(article.summary[0].citations) == 200


def test_duplicate_sources_count_once(embedder) -> None:
    with pytest.raises(InputError, match="given twice: a"):
        write_article([A, A, B], embedder)
    record = SummarizeInput.model_validate(
        {
            "id": "dup",
            "sources": [
                {"title": A.title, "text": A.text, "url": A.url, "source": A.outlet},
                {"title": A.title, "text": A.text, "url": A.url, "source": A.outlet},
                {"title": C.title, "text": C.text, "url": C.url, "source": C.outlet},
            ],
        }
    )
    output = summarize_record(record, StoryWriter(embedder, WriteSettings()))
    assert sorted(r["url"] for r in output["references"]) == sorted([A.url, C.url])


LOOSE = SourceArticle(
    key="loose",
    outlet="Weekend Digest",
    url="https://digest.example/tern",
    published=T0 + timedelta(hours=4),
    title="Skarv loses its ferry",
    text="Monday's blaze aboard the MV Tern left Skarv Island without its ferry link for now.",
)


def test_every_citation_passes_the_support_check(embedder) -> None:
    """Including a loose retelling: close in meaning, but it does not state the details."""
    article = write_article([A, B, B_COPY, C, LOOSE], embedder)
    text_of = {s.key: s.text for s in (A, B, B_COPY, C, LOOSE)}
    key_of = {r.number: r.key for r in article.references}
    pairs = [
        (sentence.text, key_of[number])
        for sentence in [*article.summary, *article.body]
        if sentence.kind == "fact"
        for number in sentence.citations
    ]
    assert len(pairs) > len(article.body)  # some facts cite several sources
    for text, key in pairs:
        verdict = check_support(text, text_of[key])
        assert verdict.supported, f"{key}: {text} ({verdict.reason})"


@pytest.mark.parametrize(
    ("sentence", "quotation", "speaker", "tells"),
    [
        (
            "Mayor Ilse Varga said she wanted both sides back at the table by Friday.",
            "The door to my office is open, and I want both sides back at the table by Friday",
            "Ilse Varga",
            True,
        ),
        (  # most of it, but another speaker's
            "Union leader Dario Feld said he wanted both sides back at the table by Friday.",
            "The door to my office is open, and I want both sides back at the table by Friday",
            "Ilse Varga",
            False,
        ),
        (  # the speaker's, but two words of six
            "Governor Anneli Brask urged residents of low-lying areas to leave immediately.",
            "We are asking everyone in the low-lying districts to leave now and not wait",
            "Anneli Brask",
            False,
        ),
    ],
)
def test_a_sentence_tells_a_quotation_again_in_reported_speech(
    sentence: str, quotation: str, speaker: str, tells: bool
) -> None:
    assert tells_quote(sentence, quotation, speaker) is tells


def test_the_key_quote_is_not_one_the_article_already_tells() -> None:
    """The mayor's words, carried by two sources, are printed in reported speech; the key
    quote is the union leader's, carried by one."""
    mayor = FoundQuote(
        "The door to my office is open, and I want both sides back at the table by Friday",
        "Ilse Varga",
    )
    union = FoundQuote("Our members cannot keep paying more for rent", "Dario Feld")
    quotes = [(0, mayor), (1, mayor), (1, union)]
    assert best_quote(quotes)[0][2] == "Ilse Varga"
    printed = ["Mayor Ilse Varga said she wanted both sides back at the table by Friday."]
    assert best_quote(quotes, printed)[0][2] == "Dario Feld"
