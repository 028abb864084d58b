"""`python -m gateway.run`: start the action server, Rasa and the gateway on 127.0.0.1, wait
until /healthz is green, print the addresses, and stop all three on Ctrl-C.

`make run` performs the setup (environments, index, training) before calling this.
"""
from __future__ import annotations

import sys
import time

from gateway.settings import DEV_WECHAT_TOKEN, Settings
from gateway.supervisor import Stack, StackError, main_loop, stop_on_signals


def main() -> int:
    stop_on_signals()
    settings = Settings.from_env()
    stack = Stack(settings, progress=lambda line: print(line, flush=True))
    print("starting the assistant (action server, Rasa, gateway) …", flush=True)
    began = time.monotonic()
    try:
        stack.start()
    except StackError as exc:
        print(f"could not start: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted; stopped.")
        return 130
    url = stack.gateway_url
    print(f"\nready after {time.monotonic() - began:.0f} s — /healthz is green:\n"
          f"  web chat widget   {url}/\n"
          f"  hotline console   {url}/console\n"
          f"  JSON API (docs)   {url}/docs\n"
          f"  WeChat endpoint   {url}/wechat\n"
          f"  health            {url}/healthz\n"
          f"logs in data/logs/. Ctrl-C stops all three.", flush=True)
    if settings.wechat_token == DEV_WECHAT_TOKEN:
        print("note: WECHAT_TOKEN is the development default: /wechat answers only while the "
              "gateway listens on loopback; set your own before exposing it.", flush=True)
    main_loop(stack)
    print("stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
