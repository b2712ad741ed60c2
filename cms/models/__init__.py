"""Models of the content app, one module per subject."""

from .board import (  # noqa: F401
    ApprovalArchive,
    BoardApproval,
    BoardApprovalMember,
    BoardApprovalTask,
    BoardMember,
    BoardTerm,
    PolicyWithdrawal,
)
from .faqs import FAQ, FAQCategory, FAQFeedback, FAQPage  # noqa: F401
from .imports import PolicyImport  # noqa: F401
from .policies import PolicyCategory, PolicyIndexPage, PolicyPage  # noqa: F401
from .site import (  # noqa: F401
    RICH_TEXT_FEATURES,
    AssociationProfile,
    ContentPage,
    HomePage,
    VolunteerCharterPage,
)
