"""`python -m knowledge clauses`: print every clause of both documents as one JSON array."""
import argparse
import json
import sys

from knowledge import load_clauses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge")
    parser.add_argument("command", choices=["clauses"])
    parser.parse_args(argv)
    json.dump(load_clauses(), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
