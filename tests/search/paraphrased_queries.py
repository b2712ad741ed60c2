"""Queries written the way people ask, from each question's intent and not from its wording:
Gulf dialect, colloquial words, English, both mixed; and variants made from them by rule
(`generated`): no hamza, ه for ة, ي for ى, no ال, a typo, Arabic-Indic digits.

`morphed` makes a second set by other rules, none of them written for a query: a word put in
the plural (its broken plural from the noun dictionary, or ة → ات), a proclitic added (و ب ال
لل), a letter typed for a like-sounding one (ض/ظ, ذ/ز, ث/ت, ة/ه, ى/ي at a word's end).

Keys are what answers the query well: the question, and the service page where it is the way
to do it. Site search is scored on these in tests/search/test_search_quality.py.
"""

import random
import re
from functools import lru_cache

from search.text.analysis import broken_plurals

HELP = "service:help-request"
VOLUNTEER = "service:volunteer"
POLICY = "policy:beneficiary-relations"

ARABIC = [
    ("ابي اقدم على مساعده", ["faq:how-to-apply", HELP]),
    ("طريقة التسجيل لطلب معونة", ["faq:how-to-apply", HELP]),
    ("ابغى دعم من الجمعيه وش اسوي", ["faq:how-to-apply", HELP, "faq:who-can-apply"]),
    ("تقديم طلب اعانة", ["faq:how-to-apply", HELP]),
    ("مين يقدر يتقدم عندكم", ["faq:who-can-apply"]),
    ("هل يحق لي التقديم", ["faq:who-can-apply"]),
    ("وش المساعدات اللي تقدمونها", ["faq:types-of-support"]),
    ("انواع الاعانات", ["faq:types-of-support"]),
    ("اقدر اقدم عن طريق الهاتف", ["faq:apply-by-phone"]),
    ("التقديم بالتلفون بدون زيارة", ["faq:apply-by-phone"]),
    ("ايش الاوراق اللي احتاجها", ["faq:required-documents"]),
    ("المستندات المطلوبه للطلب", ["faq:required-documents"]),
    ("وثائقي ناقصه", ["faq:incomplete-documents"]),
    ("نقص في البيانات", ["faq:incomplete-documents"]),
    ("ليش اوقع على صحة المعلومات", ["faq:data-declaration"]),
    ("الاقرار بصحة البيانات", ["faq:data-declaration"]),
    ("وش صيغة الملف اللي ارفعه", ["faq:upload-formats"]),
    ("رفع المرفقات", ["faq:upload-formats"]),
    ("متى يردون علي", ["faq:how-long"]),
    ("كم مدة الرد على الطلب", ["faq:how-long", POLICY]),
    ("فترة دراسة الطلب عند اللجنة", ["faq:how-long"]),
    ("وين وصل طلبي", ["faq:track-request"]),
    ("متابعة حالة الطلب", ["faq:track-request"]),
    ("ضاع مني الرقم المرجعي", ["faq:reference-number"]),
    ("نسيت رقم طلبي", ["faq:reference-number", "faq:track-request"]),
    ("ليش رفضتوا طلبي", ["faq:rejected-request"]),
    ("طلبي انرفض وش السبب", ["faq:rejected-request"]),
    ("طلبوا مني معلومات اضافيه", ["faq:more-information"]),
    ("ارسال معلومات اضافية للجمعية", ["faq:more-information"]),
    ("ما فهمت الاجراءات", ["faq:unclear-procedure"]),
    ("مين يساعدني افهم الاجراءات", ["faq:unclear-procedure"]),
    ("ابي اتطوع عندكم", ["faq:how-to-volunteer", VOLUNTEER]),
    ("التسجيل متطوع", ["faq:how-to-volunteer", VOLUNTEER]),
    ("لازم حساب في المنصه الوطنيه", ["faq:volunteer-platform"]),
    ("منصة التطوع الوطنية", ["faq:volunteer-platform"]),
    ("مراحل قبول المتطوعين", ["faq:volunteer-steps"]),
    ("ابي اقيم الخدمه", ["faq:rate-service"]),
    ("تقييم الخدمة بعد الانتهاء", ["faq:rate-service"]),
    ("خصوصية بياناتي الشخصيه", ["faq:personal-data"]),
    ("وش تسوون ببياناتي", ["faq:personal-data"]),
    ("ابي اقدم شكوي", ["faq:complaint"]),
    ("عندي ملاحظة على الخدمة", ["faq:complaint"]),
    ("الشكاوى والمقترحات", ["faq:complaint"]),
    ("قنوات التواصل مع الجمعيه", ["faq:channels", POLICY]),
    ("توصلني الخدمه في مكاني", ["faq:service-at-home"]),
    ("ادفع زكاتي عندكم", ["faq:zakat"]),
    ("تقبلون الزكاه", ["faq:zakat"]),
    ("سياسة العلاقه مع المستفيدين", [POLICY]),
    ("اعتماد مجلس الاداره للسياسه", [POLICY]),
    ("الاهداف التفصيليه للسياسة", [POLICY]),
]

ENGLISH = [
    ("I need help from the association", ["faq:how-to-apply", HELP]),
    ("apply for support", ["faq:how-to-apply", HELP, "faq:who-can-apply"]),
    ("who is eligible to apply", ["faq:who-can-apply"]),
    ("what kinds of support do you give", ["faq:types-of-support"]),
    ("can I apply over the phone", ["faq:apply-by-phone"]),
    ("which documents are required", ["faq:required-documents"]),
    ("my documents are incomplete", ["faq:incomplete-documents"]),
    ("upload file formats", ["faq:upload-formats"]),
    ("when will the research committee answer", ["faq:how-long"]),
    ("track the status of my request", ["faq:track-request"]),
    ("I lost my reference number", ["faq:reference-number"]),
    ("my request was rejected", ["faq:rejected-request"]),
    ("volunteering with the association", ["faq:how-to-volunteer", VOLUNTEER]),
    ("national volunteering platform", ["faq:volunteer-platform"]),
    ("rate the service I received", ["faq:rate-service"]),
    ("personal data privacy", ["faq:personal-data"]),
    ("make a complaint", ["faq:complaint"]),
    ("zakat", ["faq:zakat"]),
    ("board approval of the policy", [POLICY]),
    ("beneficiary relationship policy", [POLICY]),
]

MIXED = [
    ("طلب support", ["faq:how-to-apply", HELP, "faq:who-can-apply", "faq:types-of-support"]),
    ("volunteer تطوع", ["faq:how-to-volunteer", VOLUNTEER]),
    ("رقم reference", ["faq:reference-number", "faq:track-request"]),
    ("complaint شكوى", ["faq:complaint"]),
    ("zakat الزكاة", ["faq:zakat"]),
]


def _no_hamza(text: str) -> str:
    return re.sub("[أإآ]", "ا", text).replace("ؤ", "و").replace("ئ", "ي")


def _ta_marbuta(text: str) -> str:
    return text.replace("ة", "ه")


def _alef_maqsura(text: str) -> str:
    return re.sub("ى(?=\\s|$)", "ي", text)


def _no_article(text: str) -> str:
    return " ".join(
        word[2:] if word.startswith("ال") and len(word) > 4 else word for word in text.split()
    )


def _typo(text: str, rng: random.Random) -> str:
    """Two neighbouring letters swapped inside the longest word (as thumbs do)."""
    words = text.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) < 5:
        return text
    i = rng.randrange(1, len(word) - 2)
    words[longest] = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return " ".join(words)


RULES = (_no_hamza, _ta_marbuta, _alef_maqsura, _no_article)


def generated(seed: int = 16) -> list[tuple[str, list[str]]]:
    """One variant of each Arabic query by a rule chosen at random (a fixed seed, so the set is
    the same on every run): a variant equal to its source is made again with a typo."""
    rng = random.Random(seed)
    out = []
    for query, expected in ARABIC:
        rule = rng.choice((*RULES, None))
        variant = rule(query) if rule else _typo(query, rng)
        if variant == query:
            variant = _typo(query, rng)
        if variant != query:
            out.append((variant, expected))
    return out


@lru_cache(maxsize=1)
def _plurals() -> dict[str, str]:
    """Each singular (normalised, ة kept as ه) -> one of its broken plurals."""
    out: dict[str, str] = {}
    for plural, singulars in sorted(broken_plurals().items()):
        for singular in singulars:
            out.setdefault(singular, plural)
    return out


def _content_words(words: list[str]) -> list[int]:
    return [i for i, word in enumerate(words) if len(word) >= 4 and not word.isascii()]


def _pluralise(text: str, rng: random.Random) -> str:
    """One word in the plural: its broken plural when the dictionary has one, else ة → ات."""
    words = text.split()
    plurals = _plurals()
    for i in rng.sample(_content_words(words), len(_content_words(words))):
        word = words[i]
        article = "ال" if word.startswith("ال") else ""
        bare = word[len(article) :]
        key = bare.replace("ة", "ه").replace("ى", "ي").replace("أ", "ا").replace("إ", "ا")
        if key in plurals:
            words[i] = article + plurals[key]
            return " ".join(words)
        if bare.endswith(("ة", "ه")) and len(bare) >= 4:
            words[i] = article + bare[:-1] + "ات"
            return " ".join(words)
    return text


def _proclitic(text: str, rng: random.Random) -> str:
    """و, ب, ال or لل put before a word, as people write it joined."""
    words = text.split()
    candidates = _content_words(words)
    if not candidates:
        return text
    i = rng.choice(candidates)
    word = words[i]
    if word.startswith("ال"):
        words[i] = rng.choice(("و", "ب", "لل")) + (word[2:] if rng.random() < 0.5 else word)
        if words[i].startswith(("و", "ب")) and not words[i][1:].startswith("ال"):
            words[i] = words[i][0] + "ال" + words[i][1:]
    else:
        words[i] = rng.choice(("و", "ب", "ال")) + word
    return " ".join(words)


LIKE_SOUNDING = (("ض", "ظ"), ("ظ", "ض"), ("ذ", "ز"), ("ث", "ت"))


def _letter_variant(text: str, rng: random.Random) -> str:
    """A letter typed for one that sounds alike, or a final ة/ه, ى/ي the other way."""
    words = text.split()
    for i in rng.sample(range(len(words)), len(words)):
        word = words[i]
        for wrong, written in LIKE_SOUNDING:
            if wrong in word and len(word) >= 4:
                words[i] = word.replace(wrong, written, 1)
                return " ".join(words)
        for final, other in (("ة", "ه"), ("ه", "ة"), ("ى", "ي"), ("ي", "ى")):
            if word.endswith(final) and len(word) >= 4:
                words[i] = word[:-1] + other
                return " ".join(words)
    return text


MORPHS = (_pluralise, _proclitic, _letter_variant)


def morphed(seed: int = 61) -> list[tuple[str, list[str]]]:
    """Each Arabic query changed by every rule of MORPHS that changes it (a fixed seed)."""
    rng = random.Random(seed)
    out = []
    for query, expected in ARABIC:
        for rule in MORPHS:
            variant = rule(query, rng)
            if variant != query:
                out.append((variant, expected))
    return out
