"""The image's HEALTHCHECK: exit 0 when ``GET /health`` answers 200, else 1.

The slim image has no curl, so the Dockerfile runs this module instead: it asks the server in the
same container, on ``PORT``.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

TIMEOUT = 4  # seconds; below the HEALTHCHECK's --timeout, so this reports before docker kills it


def main() -> int:
    url = f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}/health"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError as error:
        print(f"unhealthy: {url}: {error}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"unhealthy: {url} answered {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
