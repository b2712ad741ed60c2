"""A generated corpus of realistic Arabic help requests and a judged set of staff queries.

Background: a few hundred requests from pools of common names, cities and districts.
Targets: requests with a unique combination of names, each searched for the way staff type it:
without hamza, with or without ال, with عبد joined or apart, misspelt, by phone in several
formats (Arabic-Indic digits too), by ID, by district, by words of the need."""

import datetime as dt
import random

from tests.forms.helpers import saudi_id

FIRST = ["سارة", "منيرة", "حصة", "نورة", "لولوة", "خالد", "فهد", "سعد", "ماجد", "تركي"]
FATHER = ["محمد", "علي", "سعود", "ناصر", "حمد", "صالح"]
FAMILY = ["الحربي", "العتيبي", "الشهري", "المطيري", "الدوسري", "الزهراني", "السبيعي", "العنزي"]
CITIES = [
    ("جدة", ["الروضة", "الصفا", "البوادي", "المروة"]),
    ("مكة المكرمة", ["العزيزية", "الشوقية"]),
]
NEEDS = [
    "أحتاج إلى مساعدة في دفع إيجار المسكن بعد انتهاء العقد.",
    "الأسرة بحاجة إلى سلة غذائية شهرية.",
    "أطلب المساعدة في الرسوم الدراسية للأبناء.",
    "نحتاج إلى أجهزة منزلية بعد تلف الثلاجة والمكيف.",
]

# full name, district, phone, need — each searched for below
TARGETS = [
    ("أحمد سعيد الغامدي", "النسيم", "0551234567", "أحتاج إلى مساعدة في علاج ابني المصاب بالربو."),
    ("إبراهيم عبدالله القحطاني", "الفيصلية", "0502345678", "غسيل كلى ثلاث مرات أسبوعياً."),
    ("أسماء يوسف الأحمدي", "الربوة", "0533456789", "تراكمت فواتير الكهرباء علينا."),
    ("آمنة عبد الرحمن المالكي", "السلامة", "0544567890", "أطلب كرسياً متحركاً لوالدتي."),
    ("عبدالله إبراهيم الجهني", "الحمدانية", "0565678901", "أبحث عن تدريب مهني لابني."),
    ("عبد العزيز مساعد البقمي", "الشاطئ", "0576789012", "ترميم سقف البيت بعد الأمطار."),
    ("فاطمة بنت علي الحربي", "الروضة", "0587890123", "أرملة مع خمسة أيتام."),
    ("هيفاء عائض الأسمري", "النعيم", "0598901234", "مصاريف ولادة في مستشفى خاص."),
    ("مؤمن رائد الشمراني", "الزهراء", "0509012345", "سداد دين متعثر."),
    ("عائشة مسفر القرني", "الخالدية", "0510123456", "نظارات طبية للأطفال."),
    ("أنس طلال الثبيتي", "المحمدية", "0521234560", "حقيبة مدرسية وزي مدرسي."),
    ("إيمان حامد الصاعدي", "الرحاب", "0532345601", "أجرة نقل إلى جلسات العلاج الطبيعي."),
]


def _id(n: int) -> str:
    return saudi_id(body=f"{30000000 + n * 7:08d}")


def background(count: int = 240, seed: int = 11) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        city, districts = rng.choice(CITIES)
        rows.append(
            {
                "full_name": f"{rng.choice(FIRST)} {rng.choice(FATHER)} {rng.choice(FAMILY)}",
                "national_id": _id(n),
                "mobile": f"+9665{rng.randint(0, 99_999_999):08d}",
                "city": city,
                "district": rng.choice(districts),
                "description": rng.choice(NEEDS),
                "date_of_birth": dt.date(1960 + n % 40, 1 + n % 12, 1 + n % 27),
            }
        )
    return rows


def targets() -> list[dict]:
    return [
        {
            "full_name": name,
            "national_id": _id(1000 + index),
            "mobile": "+966" + phone[1:],
            "city": "جدة",
            "district": district,
            "description": need,
            "date_of_birth": dt.date(1980, 1, 1 + index),
        }
        for index, (name, district, phone, need) in enumerate(TARGETS)
    ]


def judged_queries() -> list[tuple[str, int]]:
    """(what staff type, index of the target it should find)."""
    arabic_digits = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    queries = [
        ("احمد سعيد الغامدي", 0),
        ("أحمد الغامدي", 0),
        ("احمد غامدي", 0),
        ("الغامدى احمد", 0),
        ("ابراهيم القحطاني", 1),
        ("إبراهيم عبد الله القحطاني", 1),
        ("ابراهيم القحطنى", 1),
        ("غسيل كلى", 1),
        ("اسماء الاحمدي", 2),
        ("أسماء يوسف", 2),
        ("فواتير الكهرباء", 2),
        ("امنه المالكي", 3),
        ("آمنة عبدالرحمن", 3),
        ("كرسي متحرك", 3),
        ("عبد الله الجهني", 4),
        ("عبدالله جهني", 4),
        ("عبدالعزيز البقمي", 5),
        ("عبد العزيز بقمي", 5),
        ("ترميم سقف", 5),
        ("فاطمه الحربي الروضه", 6),
        ("فاطمة علي الحربي", 6),
        ("هيفاء الاسمري", 7),
        ("هيفا الأسمري", 7),
        ("مصاريف ولادة", 7),
        ("مؤمن الشمراني", 8),
        ("مومن شمراني", 8),
        ("عائشه القرني", 9),
        ("عايشة القرني", 9),
        ("نظارات طبية", 9),
        ("انس الثبيتي", 10),
        ("أنس طلال", 10),
        ("ايمان الصاعدي", 11),
        ("إيمان حامد", 11),
        ("العلاج الطبيعي", 11),
        ("الشمراني الزهراء", 8),
        ("الجهني الحمدانية", 4),
    ]
    phone_formats = [
        ("0551234567", 0),
        ("+966551234567", 0),
        ("0551234567".translate(arabic_digits), 0),
        ("055 123 4567", 0),
        ("00966502345678", 1),
        ("٠٥٣٣٤٥٦٧٨٩", 2),
        ("544567890", 3),
    ]
    ids = [
        (_id(1000 + 4), 4),
        (_id(1000 + 6).translate(arabic_digits), 6),
        (_id(1000 + 9), 9),
    ]
    return queries + phone_formats + ids
