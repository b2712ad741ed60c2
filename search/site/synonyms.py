"""The synonyms a new association starts with (the same first list the install was given);
its staff edit them in the admin, and they count on its site only."""

from django.db import transaction

from search.models import SynonymSet

DEFAULT_SYNONYMS = (
    ("دعم، مساعدة، إعانة، معونة، help، support، aid، assistance", "support"),
    ("شكوى، بلاغ، ملاحظة، تظلم، complaint، grievance", "complaints"),
    ("رد، إجابة، جواب، answer، reply، response", "answers"),
    ("مدة، فترة، وقت، period، time، duration", "time"),
    ("رضا، رضى، تقييم، satisfaction، rating", "satisfaction"),
    ("طلب، استمارة، request، application", "requests"),
    ("وثائق، مستندات، أوراق، documents، papers", "documents"),
    ("استفسار، سؤال، تساؤل، question، enquiry، inquiry", "questions"),
    ("اعتماد، موافقة، إقرار، approval", "approval"),
    ("متطوع، تطوع، volunteer، volunteering", "volunteering"),
    ("هاتف، جوال، اتصال، phone، mobile، call", "phone"),
    ("رفض، اعتذار، rejection، refusal، declined", "rejection"),
    ("خصوصية، سرية، privacy، confidentiality", "privacy"),
)


@transaction.atomic
def association_synonyms_create(site) -> int:
    """Give an association that has none the default synonym sets; how many were made
    (idempotent: an association that has sets keeps them)."""
    if SynonymSet.all_sites.filter(site=site).exists():
        return 0
    made = [SynonymSet(site=site, words=words, note=note) for words, note in DEFAULT_SYNONYMS]
    for synonym_set in made:
        synonym_set.save()  # one by one: saving clears the association's cached synonyms
    return len(made)
