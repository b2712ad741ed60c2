"""The kernel: what every app of the project uses — dates in both calendars, rate limits, the
API's errors and language parameter, shared admin pieces, roles and people. It imports nothing
from cms, forms, search or the project's own root modules (checked by `make lint`)."""
