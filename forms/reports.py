"""Read-only figures of the inbox: the help requests' dashboard and public service report, the
public annual report of complaints and suggestions, and the status board of every kind.

Times to decision are counted from filing to the committee's decision, in days."""

import datetime as dt
import math
import statistics
from collections import defaultdict

from django.conf import settings
from django.db.models import Avg, Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cms.selectors import promised_response_period
from forms.casework.kinds import SubmissionKind
from forms.kinds.help import HELP_REQUESTS
from forms.models import (
    Channel,
    Complaint,
    ComplaintNature,
    ComplaintStatus,
    ComplaintTheme,
    HelpRequest,
    SatisfactionRating,
    SupportType,
)
from forms.models import RequestStatus as S
from portal.core.associations import current_or_default_site

# A rating's help request, through its case file.
RATED_TYPE = "case_file__helprequest__support_type"
RATED_CHANNEL = "case_file__helprequest__channel"


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (share in 0..1); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def _days(submitted_at, decided_at) -> float:
    return (decided_at - submitted_at).total_seconds() / 86400


def _decisions(since, site):
    return HelpRequest.objects.filter(
        site=site, decided_at__gte=since, decided_at__isnull=False
    ).values_list("support_type_id", "channel", "submitted_at", "decided_at", "response_due")


def _site(site):
    """Every figure is of one association: `site`, else the current one (the request's host)."""
    return site or current_or_default_site()


def dashboard(*, today: dt.date | None = None, site=None) -> dict:
    """Requests by status, overdue and awaiting decision, median days to decision (all, by
    type, by channel) over the last 12 months, and satisfaction by month, type and channel —
    of one association."""
    site = _site(site)
    today = today or timezone.localdate()
    since = timezone.now() - dt.timedelta(days=365)
    by_status = dict(
        HelpRequest.objects.filter(site=site)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    statuses = [(value, label, by_status.get(value, 0)) for value, label in S.choices]
    overdue = HelpRequest.objects.filter(
        site=site, status__in=HELP_REQUESTS.open, response_due__lt=today
    ).count()

    types = {t.pk: t.name for t in SupportType.objects.filter(site=site)}
    channels = dict(Channel.choices)
    all_days, by_type, by_channel = [], defaultdict(list), defaultdict(list)
    for type_id, channel, submitted_at, decided_at, _due in _decisions(since, site):
        days = _days(submitted_at, decided_at)
        all_days.append(days)
        by_type[types.get(type_id, "?")].append(days)
        by_channel[channels.get(channel, channel)].append(days)

    def medians(groups):
        return sorted(
            ((name, statistics.median(values), len(values)) for name, values in groups.items()),
            key=lambda row: row[0],
        )

    ratings = SatisfactionRating.objects.filter(
        case_file__site=site, created_at__gte=since, case_file__kind=HELP_REQUESTS.slug
    )
    monthly = [
        (row["month"], row["avg"], row["n"])
        for row in ratings.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(avg=Avg("score"), n=Count("pk"))
        .order_by("month")
    ]
    satisfaction_by_type = [
        (types.get(row[RATED_TYPE], "?"), row["avg"], row["n"])
        for row in ratings.values(RATED_TYPE)
        .annotate(avg=Avg("score"), n=Count("pk"))
        .order_by(RATED_TYPE)
    ]
    satisfaction_by_channel = [
        (channels.get(row[RATED_CHANNEL], row[RATED_CHANNEL]), row["avg"], row["n"])
        for row in ratings.values(RATED_CHANNEL)
        .annotate(avg=Avg("score"), n=Count("pk"))
        .order_by(RATED_CHANNEL)
    ]
    return {
        "statuses": statuses,
        "status_max": max([n for _v, _l, n in statuses] + [1]),
        "open": sum(by_status.get(s, 0) for s in HELP_REQUESTS.open),
        "overdue": overdue,
        "awaiting_decision": by_status.get(S.REFERRED, 0),
        "median_days": statistics.median(all_days) if all_days else None,
        "decisions": len(all_days),
        "median_by_type": medians(by_type),
        "median_by_channel": medians(by_channel),
        "satisfaction_monthly": monthly,
        "satisfaction_by_type": satisfaction_by_type,
        "satisfaction_by_channel": satisfaction_by_channel,
        "satisfaction_average": ratings.aggregate(avg=Avg("score"))["avg"],
    }


def status_board(kind: SubmissionKind, site=None) -> dict:
    """How many submissions of `kind` of one association are at each status."""
    counts = dict(
        kind.model.objects.filter(site=_site(site))
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    rows = [(value, label, counts.get(value, 0)) for value, label in kind.Status.choices]
    return {"statuses": rows, "status_max": max([n for _v, _l, n in rows] + [1])}


def service_report(*, now=None, site=None) -> dict:
    """For each type of request offered: the period the policy promises, the median and 90th
    percentile days to decision over the last 12 months, the share decided within the promise,
    and the satisfaction score. Aggregates only: a figure from fewer requests than
    settings.SERVICE_REPORT_MIN_COUNT is withheld. Of one association (`site`, else the current
    one)."""
    site = _site(site)
    now = now or timezone.now()
    since = now - dt.timedelta(days=365)
    minimum = settings.SERVICE_REPORT_MIN_COUNT
    policy_period = promised_response_period()
    decisions = defaultdict(list)
    for type_id, _channel, submitted_at, decided_at, _due in _decisions(since, site):
        decisions[type_id].append(_days(submitted_at, decided_at))
    ratings = {
        row[RATED_TYPE]: (row["avg"], row["n"])
        for row in SatisfactionRating.objects.filter(
            case_file__site=site, created_at__gte=since, case_file__kind=HELP_REQUESTS.slug
        )
        .values(RATED_TYPE)
        .annotate(avg=Avg("score"), n=Count("pk"))
    }
    rows = []
    for support_type in SupportType.objects.filter(site=site, active=True):
        promised = support_type.period_days(policy_period)
        days = decisions.get(support_type.pk, [])
        enough = len(days) >= minimum
        rating_avg, rating_count = ratings.get(support_type.pk, (None, 0))
        rows.append(
            {
                "type": support_type,
                "promised_days": promised,
                "decisions": len(days),
                "enough": enough,
                "median_days": statistics.median(days) if enough else None,
                "p90_days": percentile(days, 0.9) if enough else None,
                "within_promise": (
                    sum(1 for d in days if d <= promised) / len(days) if enough else None
                ),
                "satisfaction": rating_avg if rating_count >= minimum else None,
                "ratings": rating_count,
            }
        )
    return {"rows": rows, "since": since.date(), "until": now.date(), "minimum": minimum}


def complaint_years(*, today: dt.date | None = None, site=None) -> list[int]:
    """The years the complaints report covers, newest first: this year and every year with a
    complaint or suggestion."""
    this_year = (today or timezone.localdate()).year
    years = {this_year}
    for first in Complaint.objects.filter(site=_site(site)).dates("submitted_at", "year"):
        years.add(first.year)
    return sorted(years, reverse=True)


def _complaint_figures(rows: list, minimum: int) -> dict:
    """Counts by nature, the median days to answer, the share answered within the promise and
    how many were escalated; `enough` says whether the figures may be published."""
    days = [
        _days(submitted_at, decided_at)
        for _n, submitted_at, decided_at, _due, _esc in rows
        if decided_at is not None
    ]
    within = [
        timezone.localdate(decided_at) <= due
        for _n, _s, decided_at, due, _esc in rows
        if decided_at is not None
    ]
    answered_enough = len(days) >= minimum
    return {
        "count": len(rows),
        "enough": len(rows) >= minimum,
        "complaints": sum(1 for row in rows if row[0] == ComplaintNature.COMPLAINT),
        "suggestions": sum(1 for row in rows if row[0] == ComplaintNature.SUGGESTION),
        "answered": len(days),
        "median_days": statistics.median(days) if answered_enough else None,
        "within_promise": sum(within) / len(within) if answered_enough else None,
        "escalated": sum(1 for row in rows if row[4] is not None),
    }


def complaints_report(*, year: int, site=None) -> dict:
    """Complaints and suggestions filed in `year` (invalid ones left out), by theme: how many of
    each, the median days to an answer, the share answered within the promised date and how
    many were escalated to the board. Aggregates only: a theme with fewer messages than
    settings.SERVICE_REPORT_MIN_COUNT is withheld, and so are the totals when the withheld
    themes together are fewer than that (they could be told apart by subtraction)."""
    minimum = settings.SERVICE_REPORT_MIN_COUNT
    by_theme = defaultdict(list)
    filed = (
        Complaint.objects.filter(site=_site(site), submitted_at__year=year)
        .exclude(status=ComplaintStatus.SPAM)
        .values_list(
            "theme", "nature", "submitted_at", "decided_at", "response_due", "escalated_at"
        )
    )
    for theme, *row in filed:
        by_theme[theme].append(row)
    rows = [
        {"theme": value, "label": label, **_complaint_figures(by_theme[value], minimum)}
        for value, label in ComplaintTheme.choices
    ]
    withheld = sum(row["count"] for row in rows if not row["enough"])
    total = _complaint_figures([r for value in by_theme for r in by_theme[value]], minimum)
    total["enough"] = total["enough"] and (withheld == 0 or withheld >= minimum)
    return {"year": year, "rows": rows, "total": total, "minimum": minimum}
