"""Command line (contract §3):

    python -m rules criteria PROGRAM          prints the programme's criteria (JSON array)
    python -m rules evaluate PROGRAM          reads {"facts": {…}, "criteria": […]} on stdin,
                                              prints the decision (JSON object)
    python -m rules questions PROGRAM         prints the dialogue's question texts

Bad input (unknown programme, criterion or fact, wrong type, out of range, malformed JSON)
is a message on standard error and exit status 2.
"""
from __future__ import annotations

import json
import sys

from . import PROGRAMS, RulesInputError, criteria, evaluate, questions

USAGE = f"用法：python -m rules criteria|evaluate|questions PROGRAM（PROGRAM：{'、'.join(PROGRAMS)}）"
REQUEST_KEYS = {"facts", "criteria"}


def main(argv: list) -> int:
    if len(argv) != 2 or argv[0] not in ("criteria", "evaluate", "questions"):
        return _fail(USAGE)
    command, program = argv
    try:
        if command == "criteria":
            result = criteria(program)
        elif command == "questions":
            result = questions(program)
        else:
            request = _read_request(sys.stdin.read())
            result = evaluate(program, request.get("facts"), request.get("criteria"))
    except RulesInputError as error:
        return _fail(str(error))
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def _read_request(raw: str) -> dict:
    try:
        request = json.loads(raw)
    except json.JSONDecodeError as error:
        raise RulesInputError(f"输入不是合法的 JSON：{error}") from None
    if not isinstance(request, dict):
        raise RulesInputError("输入应为 JSON 对象：{\"facts\": {…}, \"criteria\": […]}")
    unknown = set(request) - REQUEST_KEYS
    if unknown:
        raise RulesInputError(f"输入中有未知的字段：{'、'.join(sorted(unknown))}（只接受 facts、criteria）")
    return request


def _fail(message: str) -> int:
    print(f"错误：{message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
