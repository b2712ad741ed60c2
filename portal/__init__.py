"""The Django project: settings, URLs and the API router (the composition root), with its
kernel, portal.core, underneath."""

import sys

from portal.core import ratelimit

# portal.ratelimit moved to portal.core.ratelimit. The old import path still works, without a
# file there: changes made to portal/ratelimit.py elsewhere then merge into the moved file.
sys.modules.setdefault(f"{__name__}.ratelimit", ratelimit)
