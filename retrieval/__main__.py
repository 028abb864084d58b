"""Command line: `python -m retrieval search [--k K]` reads questions, one per line, from
standard input and writes one JSON object per line (contract section 2).
`python -m retrieval build` builds the FAISS index and the answerability model ahead of time.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m retrieval")
    commands = parser.add_subparsers(dest="command", required=True)
    search = commands.add_parser("search", help="answer questions read from standard input")
    search.add_argument("--k", type=int, default=5, help="clauses per question (default 5)")
    search.add_argument("--mode", choices=["fusion", "bm25", "dense"], default="fusion")
    commands.add_parser("build", help="build the index and the answerability model")
    args = parser.parse_args(argv)
    if args.command == "search" and args.k < 1:
        parser.error("--k must be at least 1")

    logging.basicConfig(format="%(name)s: %(message)s", level=logging.INFO, stream=sys.stderr)
    from retrieval.searcher import QuestionError, get_searcher

    searcher = get_searcher()           # loads the model and index once for all questions
    if args.command == "build":
        print(f"index: {len(searcher.clauses)} clauses, answerability threshold "
              f"{searcher.answerability['fusion'].threshold:.3f}", file=sys.stderr)
        return 0
    for line in sys.stdin:
        question = line.rstrip("\n")
        try:
            result = searcher.search(question, k=args.k, mode=args.mode)
        except QuestionError as error:
            result = {"question": question, "answerable": False, "hits": [], "error": str(error)}
        print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
