"""``python -m kiln.runner MODULE:FUNCTION ENV ARGS…``: a kiln task, run in the project's app."""

import sys

from kiln.runner.tasks import run

run(sys.argv[1:])
