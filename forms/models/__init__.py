"""The models of the intake app (label `intake`), one module per noun: what every submission
shares and its case file (`submission`), the rows of a case file (`casefile`), each kind of
submission (`help`, `volunteer`, `complaint`) and the messages staff edit (`messages`)."""

from forms.models.casefile import (
    Attachment,
    CaseFileRow,
    Consent,
    ConsentPurpose,
    InternalNote,
    Notification,
    SatisfactionRating,
    StaffNotice,
    StatusEvent,
    YesNo,
)
from forms.models.complaint import (
    Complaint,
    ComplaintNature,
    ComplaintStatus,
    ComplaintTheme,
)
from forms.models.drafts import FormDraft
from forms.models.help import (
    HelpRequest,
    MaritalStatus,
    RequestStatus,
    SupportType,
    response_due_date,
)
from forms.models.messages import MessageTemplate
from forms.models.submission import (
    CaseFile,
    Channel,
    ContactChannel,
    Gender,
    ReferenceCounter,
    Submission,
    private_storage,
)
from forms.models.volunteer import (
    VOLUNTEER_CHOICES,
    Availability,
    Interest,
    Skill,
    VolunteerApplication,
    VolunteerStatus,
    choice_labels,
)

__all__ = [
    "Attachment",
    "Availability",
    "Interest",
    "Skill",
    "VOLUNTEER_CHOICES",
    "choice_labels",
    "CaseFile",
    "CaseFileRow",
    "Channel",
    "Complaint",
    "ComplaintNature",
    "ComplaintStatus",
    "ComplaintTheme",
    "Consent",
    "ConsentPurpose",
    "ContactChannel",
    "FormDraft",
    "Gender",
    "HelpRequest",
    "InternalNote",
    "MaritalStatus",
    "MessageTemplate",
    "Notification",
    "ReferenceCounter",
    "RequestStatus",
    "SatisfactionRating",
    "StaffNotice",
    "StatusEvent",
    "Submission",
    "SupportType",
    "VolunteerApplication",
    "VolunteerStatus",
    "YesNo",
    "private_storage",
    "response_due_date",
]
