"""Sentences and what they state: splitting (pysbd), trimming, content words, proper names."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from functools import lru_cache

import pysbd

from gazette.remember import remembered
from gazette.text import collapse_spaces, normalise_for_matching, strip_dateline

MIN_WORDS, MAX_WORDS = 5, 70
# Openers that only connect a sentence to its neighbours in the original article.
CONNECTIVES = re.compile(r"^(?:Meanwhile|However|Separately|In a separate development|Also),\s+")
PRONOUN_START = re.compile(r"^(?:It|He|She|They|This|These|That|Those|His|Her|Their|Its)\b")

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "said",
        "says",
        "say",
        "told",
        "according",
    ]
)
NAME_WORD = re.compile(r"\b[A-Z][\w'’.-]*[a-z][\w'’-]*\b|\b[A-Z]{2,}\b")


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


class _SplitMemory:
    """Splits already made, newest kept. pysbd takes about 12 ms for an article, and a source is
    read more than once (for facts, quotations and tags, and again at every new version of its
    story); the write stage also hands in the splits that earlier runs stored."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._known: OrderedDict[str, tuple[str, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> tuple[str, ...] | None:
        with self._lock:
            found = self._known.get(text)
            if found is not None:
                self._known.move_to_end(text)
            return found

    def add(self, text: str, sentences: tuple[str, ...]) -> None:
        with self._lock:
            self._known[text] = sentences
            self._known.move_to_end(text)
            while len(self._known) > self.size:
                self._known.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._known.clear()


splits = _SplitMemory(size=4096)


def split_sentences(text: str) -> list[str]:
    """Sentences of a text, paragraph by paragraph; pysbd handles abbreviations and decimals."""
    known = splits.get(text)
    if known is None:
        known = _split(text)
        splits.add(text, known)
    return list(known)


def _split(text: str) -> tuple[str, ...]:
    sentences = []
    for paragraph in text.split("\n"):
        paragraph = paragraph.strip()
        if paragraph:
            sentences.extend(collapse_spaces(s) for s in _segmenter().segment(paragraph))
    return tuple(s for s in sentences if s)


def trim_sentence(sentence: str) -> str:
    """Remove a dateline or a connective opener; what remains is a substring of the original."""
    trimmed = strip_dateline(sentence)
    trimmed = CONNECTIVES.sub("", trimmed, count=1)
    if trimmed != sentence and trimmed:
        trimmed = trimmed[0].upper() + trimmed[1:]
    return trimmed


def is_usable(sentence: str, title: str = "") -> bool:
    """A complete sentence of reasonable length that is not the headline repeated."""
    words = len(sentence.split())
    if not MIN_WORDS <= words <= MAX_WORDS:
        return False
    if not re.search(r"[.!?][\"'”’)]?$", sentence):
        return False
    return normalise_for_matching(sentence) != normalise_for_matching(title)


def starts_with_pronoun(sentence: str) -> bool:
    return bool(PRONOUN_START.match(sentence))


def _expand_negations(text: str) -> str:
    """ "won't" -> "will not", "can't" -> "can not", "wasn't" -> "was not" (lower case)."""
    text = re.sub(r"\bwon[’']t\b", "will not", text)
    text = re.sub(r"\bcan[’']t\b", "can not", text)
    return re.sub(r"n[’']t\b", " not", text)


# Both are asked of a story's sentences many times, at every version (the writer hands in what it
# stored for its reports: gazette/write/memory.py).
@remembered(size=65536)
def content_words(sentence: str) -> frozenset[str]:
    """Lower-case words that carry meaning (no function words), numbers without separators."""
    text = _expand_negations(normalise_for_matching(sentence).casefold())
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    return frozenset(w.removesuffix("s") for w in re.findall(r"\w+", text) if w not in STOPWORDS)


# Words that turn a statement around: "the council rejected the budget" shares every other word
# with "the council approved the budget". A source supports a sentence only if it uses the same
# ones (in any form: "denied" and "denies" are one).
POLARITY = {
    **dict.fromkeys(["not", "no", "never", "nor", "neither", "none", "nobody", "nothing"], "not"),
    "without": "without",
    **dict.fromkeys(["deny", "denies", "denied", "denial"], "deny"),
    **dict.fromkeys(["reject", "rejects", "rejected", "rejection"], "reject"),
    **dict.fromkeys(["refuse", "refuses", "refused", "refusal"], "refuse"),
    **dict.fromkeys(["fail", "fails", "failed", "failure"], "fail"),
    **dict.fromkeys(["cancel", "cancels", "cancelled", "canceled"], "cancel"),
    **dict.fromkeys(["oppose", "opposes", "opposed", "against"], "oppose"),
    **dict.fromkeys(["dismiss", "dismissed", "dismisses"], "dismiss"),
    **dict.fromkeys(["unable", "cannot"], "not"),
}


def polarity_words(text: str) -> frozenset[str]:
    """The turning words of a text, one form each; "didn't" and "won't" count as "not"."""
    text = _expand_negations(normalise_for_matching(text).casefold())
    return frozenset(POLARITY[w] for w in re.findall(r"\w+", text) if w in POLARITY)


@remembered(size=65536)
def proper_names(sentence: str) -> frozenset[str]:
    """Capitalised words not at the start of the sentence: names a supporting source must share."""
    words = NAME_WORD.findall(normalise_for_matching(sentence))
    first = sentence.split()[0].strip("\"'“‘") if sentence.split() else ""
    return frozenset(w.rstrip(".") for w in words if w != first) - {"I"}
