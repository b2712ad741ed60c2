"""The one class of the toy kind: its tables and nothing else."""

from forms.casework.kinds import SubmissionKind, register
from tests.toykind.models import ToyRequest, ToyStatus

WORK = "toykind.work_toyrequest"
S = ToyStatus


class ToyKind(SubmissionKind):
    slug = "toy"
    api_slug = "questions"
    prefix = "TQ"
    model = ToyRequest
    Status = ToyStatus
    initial = S.ASKED
    procedure = {
        S.ASKED: {S.LOOKED_AT: WORK, S.DROPPED: WORK},
        S.LOOKED_AT: {S.ANSWERED: WORK, S.DROPPED: WORK},
    }
    open = frozenset({S.ASKED, S.LOOKED_AT})
    decided = frozenset({S.ANSWERED})
    finished = frozenset({S.ANSWERED, S.DROPPED})
    silent = frozenset({S.DROPPED})
    withdrawn = S.DROPPED
    erasure_withdraws = open
    work_permission = WORK
    applicant_fields = ("full_name", "mobile", "city", "question")
    search_text_fields = ("city", "question")


TOY = register(ToyKind())
