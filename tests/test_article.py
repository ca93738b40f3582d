"""The article a reader reads: one clean news story, not source sentences laid end to end.

Each rule of docs/writing.md on a small fictional story written for it: the summary is not
repeated, each fact is told once, every sentence stands where it stands, quotations carry their
speaker, sources' junk stays out, headlines are news headlines, thin sources give a brief
article, and a batch never stops for one story.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from helpers import normalise
from reports import source
from typer.testing import CliRunner

from gazette.cli import app
from gazette.errors import InputError
from gazette.records import SourceArticle, WrittenArticle
from gazette.sentences import split_sentences
from gazette.write import write_article
from gazette.write.choose import quote_restated, same_fact
from gazette.write.clean import (
    is_clean,
    is_fragment,
    strip_signpost,
    strip_source_markers,
    typeset_quotes,
)
from gazette.write.compose import source_sentences
from gazette.write.headline import MAX_WORDS, headline_from_sentence
from gazette.write.quotes import find_quotes
from gazette.write.standalone import stand_alone
from gazette.write.verify import check_support

STRIKE = [
    source(
        "a",
        "Calder Courier",
        "Trams halted as Orrin transit workers strike | Calder Courier",
        "Tram and bus drivers in Orrin began a 24-hour strike on Wednesday, halting most public "
        "transport in the city.",
        "The union is demanding a pay rise of 9 percent, while the city has offered 4 percent.",
        "About 180,000 passengers use the city's trams and buses on a normal weekday.",
        "Mayor Ilse Varga called on the union to return to negotiations. "
        '"The door to my office is open, and I want both sides back at the table by Friday," '
        "she said.",
    ),
    source(
        "b",
        "Harbor Times",
        "Transit workers walk out in Orrin pay dispute",
        "Orrin's trams and buses largely stood still on Wednesday as drivers staged a 24-hour "
        "strike over pay.",
        "The Orrin Transit Workers' Union wants a 9 percent raise; the city has offered 4 percent.",
        "Mayor Ilse Varga said she wanted both sides back at the table by Friday.",
        "The strike affected about 180,000 passengers who use the network on a typical weekday.",
        "He highlighted that the last strike in the city was nine years ago.",
        hours=1,
    ),
    source(
        "c",
        "Metro Dispatch",
        "Commuters stranded by 24-hour Orrin transit strike",
        "Commuters in Orrin faced long walks and packed taxis on Wednesday as tram and bus "
        "drivers held a 24-hour strike.",
        "The union is asking for a 9 percent pay rise and the city is offering 4 percent.",
        "Union leader Dario Feld said further strikes could follow in December.",
        "They said they would hold the city to that promise.",
        hours=2,
    ),
]


def printed(article: WrittenArticle) -> list[str]:
    return [s.text for s in [*article.summary, *article.body] if s.kind == "fact"]


@pytest.fixture(scope="module")
def strike(embedder) -> WrittenArticle:
    return write_article(STRIKE, embedder)


def test_the_body_does_not_repeat_the_summary(strike) -> None:
    assert 2 <= len(strike.summary) <= 3
    summary = {normalise(s.text) for s in strike.summary}
    assert strike.body
    assert not summary & {normalise(s.text) for s in strike.body}


def test_each_figure_is_told_once(strike) -> None:
    sentences = printed(strike)
    assert sum("180,000" in s for s in sentences) <= 1
    assert sum("9 percent" in s for s in sentences) == 1


def test_a_quote_and_its_paraphrase_are_one_fact_and_the_quote_is_kept(embedder) -> None:
    article = write_article(STRIKE, embedder, max_words=400)
    about_friday = [s for s in printed(article) if "by Friday" in s]
    assert len(about_friday) == 1
    in_body = [s.text for s in article.body if "by Friday" in s.text]
    if in_body:  # the summary may state it; the body, when it does, quotes it
        assert "“" in in_body[0] and "Ilse Varga said" in in_body[0]
    quote = '"The door to my office is open, and I want both sides back at the table by Friday"'
    paraphrase = "Mayor Ilse Varga said she wanted both sides back at the table by Friday."
    assert quote_restated(quote + ", she said.", paraphrase)
    assert not quote_restated(quote + ", she said.", quote + ", Varga said.")
    assert same_fact(
        "About 180,000 passengers use the city's trams and buses on a normal weekday.",
        "The strike affected about 180,000 passengers who use the network on a typical weekday.",
    )


def test_every_sentence_stands_on_its_own(strike) -> None:
    """A sentence that points back either is rewritten or follows, in the same section, the
    sentence it follows in its source."""
    sources = [normalise(s.text) for s in STRIKE]
    for section in (strike.summary, strike.body):
        texts = [s.text for s in section]
        for index, text in enumerate(texts):
            assert not re.search(r"[”\"] (he|she) said", text), text
            assert not text.startswith("Ilse Varga highlighted"), "named after the wrong person"
            if re.match(r"[\"“]?(He|She|They|It|This|These|Those)\b", text) or "that " in text:
                pair = normalise(texts[index - 1] + " " + text) if index else ""
                assert index > 0 and any(pair in s for s in sources), text


def test_a_pronoun_is_replaced_by_the_name_its_source_gives() -> None:
    text = STRIKE[0].text
    sentences = [
        "Mayor Ilse Varga called on the union to return to negotiations.",
        '"The door to my office is open, and I want both sides back at the table by Friday," '
        "she said.",
    ]
    reading = stand_alone(sentences[1], sentences[:1], find_quotes(text))
    assert reading.text.endswith("Ilse Varga said.") and not reading.needs_previous
    assert check_support(reading.text, text).supported
    named = stand_alone("He said the talks would resume.", ["Chief Pavel Horn arrived."], [])
    assert named.text == "Pavel Horn said the talks would resume."
    # nobody to name: printed only after the sentence it follows in its source
    unnamed = stand_alone("They said they would hold the city to that promise.", [], [])
    assert unnamed.needs_previous
    # a person known by their age says who only after the sentence that introduced them
    aged = "Rescuers pulled the 32-year-old from the rubble."
    assert stand_alone(aged, [], []).needs_previous
    assert stand_alone("The 32-year-old woman was pulled out alive.", [], []).needs_previous
    assert not stand_alone("The 50-year-old bridge collapsed on Monday.", [], []).needs_previous
    assert not stand_alone(
        "Rescuers pulled the 32-year-old nurse Ana Ruiz out.", [], []
    ).needs_previous


def test_a_quotation_without_a_speaker_is_not_used(embedder) -> None:
    quoted = source(
        "q",
        "Valley Herald",
        "Flood barriers go up in Brenmouth",
        "Soldiers built flood barriers along the Brenmouth waterfront on Monday night.",
        '"We are asking everyone in the low-lying districts to leave now and not wait."',
        "The river is expected to peak on Tuesday morning, the regional agency said.",
    )
    article = write_article([quoted], embedder)
    assert all("asking everyone" not in s for s in printed(article))


JUNK = source(
    "j",
    "Signal Business",
    "Li Qiang opens AI conference in Shanghai - Signal Business",
    "By Anna Berg | Signal Business",
    "Premier Li Qiang opened the World Artificial Intelligence Conference in Shanghai on "
    "Saturday, calling for global rules on military capabilities [1].[2]",
    "Advertisement",
    "Sign up for our newsletter to get the latest business news every morning.",
    "If you bought shares in a chip maker this year, you should read our guide first.",
    "The conference drew more than 1,200 companies and 300,000 visitors, organisers said.",
    "Share this article on social media with your friends and colleagues today.",
    "Li said China wanted to work with other countries on the safe development of AI.",
)


def test_source_junk_never_reaches_the_reader(embedder) -> None:
    article = write_article([JUNK], embedder)
    text = " ".join([article.headline, *printed(article)])
    for junk in ("[1]", "[2]", "Advertisement", "newsletter", "Share this", "By Anna", " you "):
        assert junk not in text, junk
    assert any("military capabilities." in s for s in printed(article))
    assert article.references[0].title == "Li Qiang opens AI conference in Shanghai"


@pytest.mark.parametrize(
    ("sentence", "clean"),
    [
        ("Advertisement", False),
        ("Photo: Anna Berg / Signal Business", False),
        ("Click here to read more about the story and its background.", False),
        ("If you own one, stop charging it immediately and call the maker.", False),
        ('"We will not stop, she said and left', False),  # a quotation left open
        ("Owners should stop charging their robots immediately.", True),
        ('"You can count on us," the mayor said.', True),  # "you" inside a quotation
        ("On behalf of Newman, Anzalone & Newman, LLP.", False),  # a law firm's blog stamp
        ("Published 12: 17 am, Monday, September 16, 2013 A man has been charged.", False),
        ("SATURDAY, SEPTEMBER 14, 2013, 9: 29 PM A grandmother was hit by a car.", False),
        ("The bill was published in 2013 after a long debate.", True),
        # a teaser points to the rest of the outlet's piece: it tells nothing
        ("Here’s how travelers are responding.", False),
        ("Here's what to know about the vote.", False),
        ("Read on for the details.", False),
        ("Pixel 11 launched: specs, price and everything else to know.", False),
        ("iPhone 15 just got cheaper by Rs 27,000, check details here.", False),
        ("Class 12 results declared, check direct link here.", False),
        ("Here is the harbour where the ferry sank on Monday.", True),
        ("Here are the latest figures from the ministry: 1,200 cases and 14 deaths.", True),
        ("Border guards will check the details of every passenger from Spain.", True),
        ("Investigators will check links between the two killings, police said.", True),
    ],
)
def test_what_is_not_clean(sentence: str, clean: bool) -> None:
    assert is_clean(sentence) is clean


@pytest.mark.parametrize(
    ("sentence", "printed"),
    [
        ("Why it matters: Most polls show the mayor ahead.", "Most polls show the mayor ahead."),
        ("The big picture: Rents rose by a fifth.", "Rents rose by a fifth."),
        ('He added: "We will win."', 'He added: "We will win."'),
        ("Officials said: The bridge is safe.", "Officials said: The bridge is safe."),
        ("Lena Holt: The vote is on Friday.", "Lena Holt: The vote is on Friday."),
        ("We found: The mayor gave the wrong figure.", "The mayor gave the wrong figure."),
        ("Tolls won't rise: A rumour was denied.", "Tolls won't rise: A rumour was denied."),
    ],
)
def test_an_explainers_signpost_is_taken_out(sentence: str, printed: str) -> None:
    assert strip_signpost(sentence) == printed


def test_source_markers_and_quotation_marks() -> None:
    assert strip_source_markers("capabilities [1].[2]") == "capabilities."
    assert strip_source_markers("a claim[citation needed] stands.") == "a claim stands."
    assert strip_source_markers("WASHINGTON — The offer was refused.") == "The offer was refused."
    assert strip_source_markers("NATO - Russia talks resumed.") == "NATO - Russia talks resumed."
    assert typeset_quotes('"Yes," he said, "we can."') == "“Yes,” he said, “we can.”"


def test_one_style_of_quotation_marks_in_every_article(embedder) -> None:
    curly = source(
        "k",
        "Open Record",
        "Union says strike will go on",
        "“Our members cannot keep paying more for rent,” said union leader Dario Feld on "
        "Wednesday.",
        "The union has called a second strike for Friday if no offer is made.",
    )
    article = write_article([STRIKE[0], curly], embedder, max_words=400)
    text = " ".join(printed(article))
    assert '"' not in text and "“" in text


def test_a_headline_is_written_from_the_lead_fact_when_no_title_will_do(embedder) -> None:
    long_title = " ".join(["word"] * 20)
    untitled = [
        SourceArticle(key=s.key, title=t, text=s.text, outlet=s.outlet, url=s.url)
        for s, t in zip(STRIKE, ["", long_title, "Strike in Orrin..."], strict=True)
    ]
    article = write_article(untitled, embedder)
    words = article.headline.split()
    assert 3 <= len(words) <= MAX_WORDS
    assert not article.headline.endswith((".", "...", ","))
    assert normalise(article.headline) in normalise(" ".join(s.text for s in STRIKE))


@pytest.mark.parametrize(
    "sentence",
    [
        "But hey, while we're still at the funny stage, why not enjoy the view from the top of "
        "the tower before the crowds arrive and the prices go up again next spring?",
        "Halvorsen Robotics will build a battery plant in Lindqvist at a cost of 1.4 billion "
        "crowns, creating 600 jobs, the company announced on Tuesday.",
        "Tram and bus drivers in Port Calder began a 24-hour strike on Wednesday morning.",
    ],
)
def test_headline_from_sentence(sentence: str) -> None:
    headline = headline_from_sentence(sentence)
    assert 3 <= len(headline.split()) <= MAX_WORDS
    assert headline in sentence  # cut at word boundaries, never mid-word
    assert headline.split()[-1].lower() not in {"the", "and", "of", "to", "a", "at"}


def test_disagreeing_figures_name_each_sides_authority(embedder) -> None:
    agency = source(
        "f1",
        "Valley Herald",
        "Ravel floods force thousands from their homes",
        "About 12,000 people were evacuated from their homes, according to the Vestrian Civil "
        "Protection Agency.",
        "Two people died when the river Ravel burst its banks overnight.",
    )
    police = source(
        "f2",
        "Northern Ledger",
        "Two dead as Ravel floods towns",
        "About 9,500 people were evacuated from their homes, according to the regional police.",
        "Two people died when the Ravel burst its banks after record rain.",
        hours=1,
    )
    article = write_article([agency, police], embedder)
    disagreement = next(s.text for s in article.body if s.kind == "disagreement")
    assert "Vestrian Civil Protection Agency put the figure at 12,000 people" in disagreement
    assert "the regional police reported 9,500 people" in disagreement


THIN = [
    source(
        "t1", "Daily Ledger", "Orrin council approves new tram line", "The city council of Orrin"
    ),
    source(
        "t2",
        "Paywall Post",
        "Orrin to build tram line to the airport",
        "Orrin will build a tram line to the airport. The council voted on Tuesday evening by a",
        hours=1,
    ),
]


def test_thin_sources_give_a_brief_article_instead_of_failing(embedder) -> None:
    article = write_article(THIN, embedder)
    assert article.summary
    assert printed(article)[0] == "Orrin will build a tram line to the airport."
    assert all(not s.endswith(" a") for s in printed(article))
    titles_only = write_article([THIN[0]], embedder)
    assert titles_only.summary[0].text == "Orrin council approves new tram line."
    # readers are told: the article is marked brief, and only then
    assert article.brief and titles_only.brief
    assert not write_article(STRIKE, embedder).brief


def test_a_standfirst_that_goes_on_from_its_headline_follows_it(embedder) -> None:
    """A feed item's standfirst often continues its headline ("The former mayor..."): the
    headline is printed before it, rather than the story left unwritten."""
    item = source(
        "f1",
        "Harbour Post",
        "Orrin court jails former mayor Ilse Varga for bribery",
        "The former mayor, who led the city for twelve years, must also repay two million "
        "crowns to the council.",
    )
    article = write_article([item], embedder)
    assert article.brief
    assert printed(article) == [
        "Orrin court jails former mayor Ilse Varga for bribery.",
        "The former mayor, who led the city for twelve years, must also repay two million "
        "crowns to the council.",
    ]
    # a title in title case is printed as written: lowering it would lower names too
    titled = dataclasses.replace(
        item, title="Orrin Court Jails Former Mayor Ilse Varga for Bribery"
    )
    assert printed(write_article([titled], embedder))[0] == (
        "Orrin Court Jails Former Mayor Ilse Varga for Bribery."
    )
    # and without a label of the item's format
    labelled = dataclasses.replace(item, title=f"Photos: {item.title}")
    assert printed(write_article([labelled], embedder))[0] == printed(article)[0]
    # an explainer's title is no fact to print
    why = dataclasses.replace(item, title="Why Orrin's bribery case will not end with the mayor")
    assert [index for index, _, _ in source_sentences(why, brief=True)] == [0]  # no title (-1)
    asks = dataclasses.replace(item, title="Is Orrin's mayor guilty? The court has ruled")
    assert [index for index, _, _ in source_sentences(asks, brief=True)] == [0]


BROKEN = (
    "Formal sentencing is set for 11 a. m. on Nov. 8 before the county court. "
    "Rescue teams reached Aceh after a 6. 1 magnitude earthquake hit the province. "
    "Tuesday 28 April 2009 22. 34 BST The administration overturned the rule on Tuesday. "
    "A visitor walked out at 3: 33 a. m. and spied the deserted building in flames. "
    "The fire destroyed the old hotel in Palmer on Friday morning, officials said."
)


def test_sentences_the_splitter_broke_are_not_printed(embedder) -> None:
    pieces = split_sentences(BROKEN)
    fragments = [p for i, p in enumerate(pieces) if is_fragment(pieces, i)]
    assert "Formal sentencing is set for 11 a." in fragments
    assert any(p.startswith("1 magnitude earthquake") for p in fragments)
    assert any(p.startswith("34 BST") for p in fragments)
    assert any(p.startswith("and spied") for p in fragments)
    whole = [p for i, p in enumerate(pieces) if not is_fragment(pieces, i)]
    assert whole == [
        "The fire destroyed the old hotel in Palmer on Friday morning, officials said."
    ]
    # a sentence that opens with a number or a name in small letters is whole
    fine = ("15 governors have let their orders expire.", "iPhone sales rose in May.")
    assert not any(is_fragment(fine, i) for i in range(2))
    # the rest of a sentence the splitter cut at "7 p. m.", opening with its comma
    cut = ("At approximately 7 p.", "m.", ", the woman was walking near the crossing.")
    assert is_fragment(cut, 2)
    article = write_article(
        [source("b1", "Valley Post", "Hotel fire in Palmer", BROKEN), *STRIKE[:2]], embedder
    )
    assert not any(re.search(r"\b[a-z]\.$|^\d|^[a-z]", s) for s in printed(article))


def test_summarize_writes_every_story_it_can_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    stories = [
        {"id": "strike", "sources": [{"title": s.title, "text": s.text} for s in STRIKE]},
        {"id": "nothing", "sources": [{"title": "", "text": "Cut off in the middle of a"}]},
        {"id": "thin", "sources": [{"title": s.title, "text": s.text} for s in THIN]},
    ]
    (tmp_path / "in.jsonl").write_text("\n".join(json.dumps(s) for s in stories) + "\n")
    result = CliRunner().invoke(app, ["summarize", "-i", "in.jsonl", "-o", "out.jsonl"])
    assert result.exit_code == 1
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [line["id"] for line in lines] == ["strike", "nothing", "thin"]
    assert "error" in lines[1] and "sentence or a title" in lines[1]["error"]
    assert "error" not in lines[0] and "error" not in lines[2]
    assert "'nothing' not written" in result.stderr


def test_a_story_without_any_text_is_still_refused(embedder) -> None:
    with pytest.raises(InputError):
        write_article([SourceArticle(key="x", title="", text="")], embedder)


def test_ad_placeholders_and_run_together_tag_lists_are_left_out_at_extraction() -> None:
    from gazette.extract import extract_article
    from gazette.tag import tag_story

    page = (
        "<html><head><title>Li Qiang opens AI conference</title></head><body><article>"
        "<h1>Li Qiang opens AI conference</h1>"
        "<p>Premier Li Qiang opened the World Artificial Intelligence Conference in Shanghai on "
        "Saturday, calling for shared rules on the safe use of the technology.</p>"
        "<p>Advertisement</p><p>Ad placeholder</p>"
        "<p>The conference drew more than 1,200 companies and some 300,000 visitors over three "
        "days, its organisers said on Sunday.</p>"
        "<p><a href='/t/li'>Li Qiang</a><a href='/t/waic'>World Artificial Intelligence "
        "Conference</a><a href='/t/ai'>AI</a></p>"
        "<p>The iPhone maker and YouTube both sent delegations to the event this year.</p>"
        "</article></body></html>"
    )
    article = extract_article(page, "https://signal.example/li-qiang-ai")
    assert "Advertisement" not in article.text and "placeholder" not in article.text
    assert "ConferenceAI" not in article.text
    assert "The iPhone maker and YouTube" in article.text  # a sentence with such names stays
    story = SourceArticle(key="1", title=article.title, text=article.text)
    assert all("ConferenceAI" not in tag.name for tag in tag_story([story]))


def test_spaced_straight_quotation_marks_open_and_close_in_turn() -> None:
    assert (
        typeset_quotes('"You know when the Doctor is in the room, " said Moffat.')
        == "“You know when the Doctor is in the room, ” said Moffat."
    )
