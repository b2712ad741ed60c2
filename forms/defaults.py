"""The types of support every install starts with (data: a migration and the demo use it)."""

SUPPORT_TYPES = [
    ("financial", "دعم مالي", "Financial support",
     "صورة الهوية الوطنية أو الإقامة\nما يثبت الدخل الشهري\nصورة من الحساب البنكي (الآيبان)",
     "A copy of the national ID or iqama\nProof of monthly income\nA copy of the bank account (IBAN)"),
    ("housing", "دعم سكني", "Housing support",
     "صورة الهوية الوطنية أو الإقامة\nعقد الإيجار أو صك الملكية\nفواتير الكهرباء أو الماء الأخيرة",
     "A copy of the national ID or iqama\nThe lease or title deed\nRecent electricity or water bills"),
    ("education", "دعم تعليمي", "Education support",
     "صورة الهوية الوطنية أو الإقامة\nإفادة من المدرسة أو الجامعة",
     "A copy of the national ID or iqama\nA letter from the school or university"),
    ("health", "دعم صحي", "Health support",
     "صورة الهوية الوطنية أو الإقامة\nالتقارير الطبية الحديثة",
     "A copy of the national ID or iqama\nRecent medical reports"),
    ("food", "سلة غذائية", "Food basket",
     "صورة الهوية الوطنية أو الإقامة",
     "A copy of the national ID or iqama"),
    ("other", "أخرى", "Other",
     "صورة الهوية الوطنية أو الإقامة",
     "A copy of the national ID or iqama"),
]  # fmt: skip
