"""Benchmark: which source sentences the writer refuses as judgements in their writer's voice.

Usage: python bench/judgements.py [--sets demo,neus,ecbplus] [--half odd|even] [--show]

Reads every source of the demo (15 stories), neus-val (307) and the ECB+ dev events (42) as the
default writer reads them (split, cleaned, complete sentences of usable length, not furniture
nor fragments) and counts, per set, the sentences that `gazette.write.stance.judgement_in`
refuses, by kind: a judging word no attribution claims, the writer's first-person stance, a
question in the writer's voice, the writer's attitude ("Unfortunately, ...", "The good news
is..."), a degree adverb that grades a judgement ("downright"), a copula's verdict ("is a victory
for"). `--show` prints each with its story and why, for reading by hand (whether each is a
judgement or a fact wrongly refused); `--half` takes neus-val's odd- or even-numbered stories
only, to keep one half unread while a rule is made on the other.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter

from common import ECBPLUS, NEUS, save_results
from readability import demo_with_outlets, ecbplus_stories
from summary_quality import sources_of

from gazette.records import independent_sources
from gazette.sentences import is_usable, split_sentences
from gazette.write.clean import is_clean, is_fragment
from gazette.write.compose import read_sentence
from gazette.write.stance import judgement_in


def candidates(title: str, text: str) -> list[str]:
    """The source's sentences that the writer could print but for the judgement rule."""
    split = split_sentences(text)
    found = []
    for index, raw in enumerate(split):
        sentence = read_sentence(raw)
        if is_usable(sentence, title) and is_clean(sentence) and not is_fragment(split, index):
            found.append(sentence)
    return found


def measure(stories: list[dict], show: bool) -> dict:
    kinds: Counter = Counter()
    total = 0
    for story in stories:
        for source in independent_sources(sources_of(story)):
            for sentence in candidates(source.title, source.text):
                total += 1
                why = judgement_in(sentence)
                if why is None:
                    continue
                kinds[why.split(":")[0]] += 1
                if show:
                    print(f"{story['id']} [{why}] {sentence}")
    return {"sentences": total, "refused": sum(kinds.values()), "by_kind": dict(kinds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", default="demo,neus,ecbplus")
    parser.add_argument("--half", choices=("odd", "even"), help="neus-val stories by number")
    parser.add_argument("--show", action="store_true", help="print every refused sentence")
    args = parser.parse_args()
    figures = {}
    for name in args.sets.split(","):
        if name == "demo":
            stories = demo_with_outlets()
        elif name == "neus":
            stories = [json.loads(line) for line in NEUS.read_text().splitlines()]
            if args.half:
                parity = 1 if args.half == "odd" else 0
                stories = [s for s in stories if int(s["id"].rsplit("-", 1)[1]) % 2 == parity]
        elif name == "ecbplus" and ECBPLUS.is_file():
            stories = ecbplus_stories()
        else:
            continue
        figures[name] = {"stories": len(stories), **measure(stories, args.show)}
    save_results("judgements", figures)


if __name__ == "__main__":
    main()
