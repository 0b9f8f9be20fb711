"""``python -m bot.web.probe``: the container's HEALTHCHECK, asking this bot's own ``/healthz``.

The slim image has neither curl nor wget, and Python is there anyway. Exit 0 when the bot answers 200,
1 otherwise; with the web server off (``SUMMITBOT_HTTP_PORT=0``) there is nothing to ask, so 0.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

TIMEOUT = 5.0


def probe(port: int, timeout: float = TIMEOUT) -> bool:
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return int(answer.status) == 200
    except (urllib.error.URLError, OSError, ValueError):  # HTTPError (503) is a URLError
        return False


def main() -> int:
    raw = os.environ.get("SUMMITBOT_HTTP_PORT", "8080").strip() or "8080"
    if not raw.isdigit():
        return 1
    port = int(raw)
    return 0 if port == 0 or probe(port) else 1


if __name__ == "__main__":
    sys.exit(main())
