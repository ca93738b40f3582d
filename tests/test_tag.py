"""Entity tags without a model: normalisation, kinds, and what is left out."""

from gazette.records import SourceArticle
from gazette.tag import tag_story
from gazette.tag.entities import extract_entities
from gazette.tag.topics import detect_topics


def names(texts: list[str]) -> dict[str, str]:
    return {e.name: e.kind for e in extract_entities(texts)}


def test_aliases_and_corporate_suffixes_fold_into_one_name() -> None:
    found = extract_entities(
        [
            "Nvidia Corp. said on Monday that it will build a plant in the U.S. soon.",
            "NVIDIA will invest in the United States, chief executive Jen Park said.",
            "Analysts said Nvidia expects US sales to grow.",
        ]
    )
    by_name = {e.name.casefold(): e for e in found}
    assert len(by_name["nvidia"].sources) == 3
    assert len(by_name["united states"].sources) == 3
    assert "u.s" not in by_name and "us" not in by_name


def test_surnames_fold_into_the_full_name_and_kinds_come_from_cues() -> None:
    found = names(
        [
            "Mayor Ilse Varga opened the bridge in Elmstead on Wednesday.",
            "Varga said the Port Calder Transit Union had been invited to talks.",
        ]
    )
    assert found["Ilse Varga"] == "person"
    assert "Varga" not in found
    assert found["Elmstead"] == "place"
    assert found["Port Calder Transit Union"] == "organisation"
    assert "Wednesday" not in found


def test_sentence_initial_common_words_are_not_entities() -> None:
    found = names(["Owners should stop charging. Construction starts in spring in Lindqvist."])
    assert "Owners" not in found and "Construction" not in found
    assert found == {"Lindqvist": "place"}


def test_story_tags_need_two_independent_sources() -> None:
    sources = [
        SourceArticle(
            "1",
            "Bank of Vestria raises rates",
            "The Bank of Vestria raised its rate, governor Tomas Reinholt said. "
            "Inflation stays high in Lindqvist.",
        ),
        SourceArticle(
            "2",
            "Rates rise",
            "Governor Tomas Reinholt of the Bank of Vestria said inflation was too high.",
        ),
        SourceArticle(
            "3",
            "Rates rise again",
            "The Bank of Vestria raised its rate, governor Tomas Reinholt said.",
            copy_of="1",
        ),
    ]
    tags = {t.name: t.kind for t in tag_story(sources)}
    assert tags["Bank of Vestria"] == "organisation"
    assert tags["Tomas Reinholt"] == "person"
    assert "Lindqvist" not in tags  # only one independent source mentions it
    assert tags.get("Economy") == "topic"


def test_topics_need_half_of_the_sources() -> None:
    assert detect_topics(
        ["The strike by the union over wages.", "Workers walked out.", "Rain fell."]
    ) == ["Labour"]
