"""Benchmark: are the default writer's citations right, and complete?

Usage: python bench/citation_quality.py [--limit N] [--sets demo,neus,ecbplus]

Writes every story of the demo (15), of neus-val (307, three outlets each) and of the ECB+ dev
events (42, all their full-text articles, as bench/readability.py reads them) with
`gazette.write.write_article`, then judges every body and summary sentence with the support
check of gazette/write/verify.py, which is lexical and does not use the sentence model the writer
chooses its citations with:
- citation precision: of the (sentence, cited source) pairs, the share where the source supports
  the sentence;
- citation recall: of the (sentence, independent source that supports it) pairs, the share where
  the writer cites that source.
Disagreement sentences ("A put the figure at 12 [1], while B reported 10 [2]") are built from each
source's own value and are left out here. The check refuses faithful paraphrases in other words,
so precision is if anything understated, and recall counts only sources that share the wording.
Unsupported pairs are listed in bench/results/citation_quality-<sets>.json for reading.
"""

from __future__ import annotations

import argparse
import json

from common import ECBPLUS, save_results
from readability import ecbplus_stories
from summary_quality import NEUS, demo_stories, sources_of

from gazette.embedding import Embedder, default_embedder
from gazette.records import independent_sources
from gazette.write import write_article
from gazette.write.verify import check_support


def judge(stories: list[dict], embedder: Embedder) -> dict:
    cited = supported_cited = reporting = reporting_cited = 0
    refused: list[dict] = []
    for story in stories:
        sources = sources_of(story)
        article = write_article(sources, embedder)
        text_of = {source.key: source.text for source in sources}
        key_of = {reference.number: reference.key for reference in article.references}
        independent = [source.key for source in independent_sources(sources)]
        for sentence in [*article.summary, *article.body]:
            if sentence.kind != "fact":
                continue
            citing = {key_of[number] for number in sentence.citations}
            for key in citing:
                cited += 1
                verdict = check_support(sentence.text, text_of[key])
                supported_cited += verdict.supported
                if not verdict.supported and len(refused) < 50:
                    refused.append(
                        {"story": story["id"], "sentence": sentence.text, "why": verdict.reason}
                    )
            for key in independent:
                if check_support(sentence.text, text_of[key]).supported:
                    reporting += 1
                    reporting_cited += key in citing
    return {
        "stories": len(stories),
        "cited_pairs": cited,
        "citation_precision": round(supported_cited / cited, 4) if cited else None,
        "reporting_pairs": reporting,
        "citation_recall": round(reporting_cited / reporting, 4) if reporting else None,
        "refused_examples": refused,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, help="judge only the first N stories of each real set")
    parser.add_argument("--sets", default="demo,neus,ecbplus")
    args = parser.parse_args()
    wanted = args.sets.split(",")
    embedder = default_embedder()
    figures = {"demo": judge(demo_stories(), embedder)} if "demo" in wanted else {}
    if "neus" in wanted and NEUS.is_file():
        stories = [json.loads(line) for line in NEUS.read_text().splitlines() if line.strip()]
        figures["neus_val"] = judge(stories[: args.limit] if args.limit else stories, embedder)
    if "ecbplus" in wanted and ECBPLUS.is_file():
        stories = ecbplus_stories()
        figures["ecbplus"] = judge(stories[: args.limit] if args.limit else stories, embedder)
    save_results(f"citation_quality-{'-'.join(wanted)}", figures)


if __name__ == "__main__":
    main()
