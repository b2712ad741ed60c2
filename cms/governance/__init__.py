"""Governance integrity: what the board approves, the register of approvals, board terms.

`setup` holds the groups and the workflow every install has (re-exported here, where they
always lived); `hashing` and `records` are pure helpers the migrations also use; `review`,
`register`, `terms` and `archive` are the selectors and services of the approval step.
"""

from cms.governance.setup import (  # noqa: F401
    BOARD_APPROVAL_TASK,
    BOARD_APPROVAL_WORKFLOW,
    BOARD_SECRETARIES,
    COMMUNICATIONS_STAFF,
    MINUTES_COLLECTION,
    association_minutes_ensure,
    board_approval_workflow,
    ensure_governance,
    ensure_governance_after_migrate,
    ensure_minutes_collection,
)
