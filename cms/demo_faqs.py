"""Demo FAQs, written from what the sample policies tell beneficiaries. Idempotent."""

from cms.models import FAQ, FAQCategory, FAQPage, PolicyPage

CATEGORIES = [
    ("help-requests", "طلبات الدعم والمساعدة", "Support and help requests"),
    ("documents", "الوثائق والبيانات المطلوبة", "Documents and information needed"),
    ("follow-up", "متابعة الطلب والرد عليه", "Following and answering a request"),
    ("volunteering", "التطوع", "Volunteering"),
    ("rights", "حقوق المستفيد والخصوصية", "Your rights and privacy"),
]

# slug, category, question (ar), answer (ar), question (en), answer (en); answers are paragraphs.
FAQS = [
    # fmt: off
    (
        "how-to-apply",
        "help-requests",
        "كيف أقدم طلب مساعدة؟",
        "يمكنك تقديم طلب دعم مستفيد من خلال الموقع الإلكتروني للجمعية، أو بالحضور للمقابلة في مقر الجمعية، أو عبر الاتصال الهاتفي، أو بخطاب، أو عن طريق مناديب المكاتب الفرعية.",
        "How do I apply for help?",
        "You can file a beneficiary support request on the association's website, in person at the association, by phone, by letter, or through the delegates of the branch offices.",
    ),
    (
        "who-can-apply",
        "help-requests",
        "من يحق له التقدم بطلب دعم؟",
        "يحق لكل مستفيد من الفئات التي تخدمها الجمعية أن يتقدم بطلب، وتدرس لجنة البحث كل طلب وفق لائحة البحث الاجتماعي ودليل سياسة الدعم للمستفيدين.",
        "Who can apply for support?",
        "Anyone from the groups the association serves can apply. The research committee studies every request under the social-research regulations and the beneficiary support policy guide.",
    ),
    (
        "types-of-support",
        "help-requests",
        "ما أنواع الدعم التي تقدمها الجمعية؟",
        "تقدم الجمعية الدعم المالي والسكني والتعليمي والصحي والغذائي وغيرها بحسب برامجها، وتظهر لكل نوع الوثائق المطلوبة ومدة الرد قبل البدء في الطلب.",
        "What kinds of support does the association offer?",
        "Financial, housing, education, health and food support and more, depending on its programmes. Each type lists its required documents and response period before you start.",
    ),
    (
        "apply-by-phone",
        "help-requests",
        "هل أستطيع تقديم الطلب بالهاتف دون زيارة الجمعية؟",
        "نعم، يسجل موظف علاقات المستفيدين طلبك الهاتفي في النظام نفسه، ثم يطلب منك إرسال الوثائق اللازمة لاستكمال الطلب.",
        "Can I apply by phone without visiting the association?",
        "Yes. The beneficiary-relations officer records your phone request in the same system and then asks you to send the documents needed to complete it.",
    ),
    (
        "required-documents",
        "documents",
        "ما الوثائق المطلوبة لطلب المساعدة؟",
        "تختلف الوثائق بحسب نوع الدعم، وعادة تشمل صورة الهوية الوطنية أو الإقامة، وما يثبت الدخل، وعقد السكن أو فواتيره عند طلب الدعم السكني، والتقارير الطبية عند طلب الدعم الصحي.",
        "Which documents do I need for a help request?",
        "It depends on the type of support. Usually: a copy of your national ID or iqama, proof of income, the lease or housing bills for housing support, and medical reports for health support.",
    ),
    (
        "incomplete-documents",
        "documents",
        "ماذا يحدث إذا كانت بياناتي أو وثائقي ناقصة؟",
        "يتأكد الموظف من تقديم كافة المعلومات المطلوبة ومطابقتها وقت التقديم، وإن نقص شيء يُطلب منك استكماله، ولا يُحال الطلب إلى لجنة البحث قبل اكتماله.",
        "What happens if my information or documents are incomplete?",
        "The officer checks that all the required information is there and matches at the time you apply. If something is missing you are asked to complete it; the request goes to the research committee only once it is complete.",
    ),
    (
        "data-declaration",
        "documents",
        "لماذا يُطلب مني التوقيع على صحة البيانات؟",
        "تنص السياسة على أن يؤكد طالب الدعم صحة البيانات التي قدمها ويوقع عليها، وأنه مسؤول مسؤولية مباشرة عن صحة المعلومات.",
        "Why am I asked to sign that my information is correct?",
        "The policy requires the applicant to confirm and sign that the information provided is correct, as directly responsible for its accuracy.",
    ),
    (
        "upload-formats",
        "documents",
        "ما صيغ الملفات التي يمكن رفعها مع الطلب؟",
        "يمكن رفع ملفات PDF والصور بصيغ JPEG وPNG وHEIC، ضمن حد أقصى لحجم الملف وعدد الملفات يظهر في النموذج.",
        "Which file formats can I upload with my request?",
        "PDF files and JPEG, PNG or HEIC images, within the file size and number limits shown on the form.",
    ),
    (
        "how-long",
        "follow-up",
        "كم تستغرق لجنة البحث للرد على طلبي؟",
        "يُرفع طلبك إلى لجنة البحث لدراسته والرد عليه بالقبول أو الرفض خلال المدة المعلنة في سياسة الجمعية، وهي أسبوعان من اكتمال الطلب.",
        "How long does the research committee take to answer my request?",
        "Your request goes to the research committee, which studies it and answers — accept or reject — within the period stated in the association's policy: two weeks from when the request is complete.",
    ),
    (
        "track-request",
        "follow-up",
        "كيف أتابع حالة طلبي؟",
        "تحصل عند تقديم الطلب على رقم مرجعي، ويمكنك متابعة حالته من صفحة متابعة الطلب باستخدام الرقم المرجعي ورمز يصلك على جوالك.",
        "How do I follow the status of my request?",
        "When you apply you receive a reference number. You can follow its status on the request tracking page with that reference and a code sent to your mobile.",
    ),
    (
        "reference-number",
        "follow-up",
        "فقدت الرقم المرجعي لطلبي، ماذا أفعل؟",
        "تواصل مع الجمعية هاتفيًا أو بالحضور ومعك هويتك، وسيتحقق موظف علاقات المستفيدين من هويتك ويزودك برقم طلبك.",
        "I lost my request's reference number. What should I do?",
        "Contact the association by phone or in person with your ID; the beneficiary-relations officer will verify who you are and give you your request's number.",
    ),
    (
        "rejected-request",
        "follow-up",
        "رُفض طلبي، فهل أعرف السبب؟",
        "نعم، يُبلَّغ المستفيد بقرار اللجنة مع سبب الرفض، ويمكنه الاستفسار عنه أو التقدم بطلب جديد إذا تغيرت ظروفه.",
        "My request was rejected. Will I know why?",
        "Yes. You are told the committee's decision with the reason for the rejection, and you can ask about it or apply again if your circumstances change.",
    ),
    (
        "more-information",
        "follow-up",
        "طلبت الجمعية مني معلومات إضافية، كيف أرسلها؟",
        "يظهر طلب المعلومات في صفحة متابعة طلبك، ويمكنك الإجابة ورفع الوثائق من الصفحة نفسها.",
        "The association asked me for more information. How do I send it?",
        "The request for information appears on your request's tracking page, where you can answer and upload documents.",
    ),
    (
        "unclear-procedure",
        "follow-up",
        "لم أفهم الإجراءات، من يساعدني؟",
        "إذا لم تكن الإجراءات واضحة لك يحيلك الموظف إلى مسؤول البحث الاجتماعي للإجابة على تساؤلاتك وإيضاح الجوانب التنظيمية.",
        "I do not understand the procedure. Who can help me?",
        "If the procedure is not clear to you, the officer refers you to the social-research officer, who answers your questions and explains how things work.",
    ),
    (
        "how-to-volunteer",
        "volunteering",
        "كيف أتطوع مع الجمعية؟",
        "قدّم طلب تطوع من خلال خدمة التطوع في الموقع الإلكتروني، واذكر مهاراتك والمجالات التي تهمك وأوقات تفرغك، وسيتواصل معك منسق التطوع.",
        "How do I volunteer with the association?",
        "Fill in a volunteer application through the volunteering service on the website, with your skills, the fields you are interested in and when you are available. The volunteer coordinator will contact you.",
    ),
    (
        "volunteer-platform",
        "volunteering",
        "هل أحتاج إلى حساب في المنصة الوطنية للعمل التطوعي؟",
        "ليس شرطًا للتقديم، ويمكنك إضافة رقم حسابك في المنصة الوطنية للعمل التطوعي إن وجد لتوثيق ساعاتك التطوعية.",
        "Do I need an account on the national volunteering platform?",
        "It is not required to apply. If you have one, add your national volunteering platform account number so your volunteer hours can be recorded.",
    ),
    (
        "volunteer-steps",
        "volunteering",
        "ما مراحل قبول المتطوع؟",
        "يمر طلب التطوع بالفرز ثم المقابلة ثم قرار القبول، وبعد القبول يبدأ المتطوع في البرامج المناسبة لمهاراته وأوقاته.",
        "What are the steps to be accepted as a volunteer?",
        "A volunteer application goes through screening, an interview and a decision; once accepted, you start on programmes that suit your skills and availability.",
    ),
    (
        "rate-service",
        "rights",
        "كيف أقيّم الخدمة التي حصلت عليها؟",
        "بعد إغلاق طلبك يصلك رابط لتقييم الخدمة، فتقييم جودة الخدمة حق من حقوق المستفيد وأداة للتقويم والتطوير لا للعقاب والتشهير.",
        "How do I rate the service I received?",
        "When your request is closed you receive a link to rate the service. Rating the quality of a service is your right: a tool for evaluation and improvement, not for punishment or blame.",
    ),
    (
        "personal-data",
        "rights",
        "كيف تتعامل الجمعية مع بياناتي الشخصية؟",
        "تحافظ الجمعية على الخصوصية: لا تُجمع البيانات إلا لغرض معلن وبموافقتك، ولا يطّلع عليها إلا الموظفون الذين يعملون على طلبك، وتُحفظ مدة محددة ثم تُحذف أو تُجعل مجهولة الهوية.",
        "How does the association handle my personal data?",
        "The association protects your privacy: data is collected only for a stated purpose and with your consent. Only the staff working on your request can see it, and it is kept for a set period, then deleted or anonymised.",
    ),
    (
        "complaint",
        "rights",
        "كيف أقدم شكوى أو مقترحًا؟",
        "يمكنك التواصل مع الجمعية عبر أي من قنواتها: المقابلة أو الهاتف أو وسائل التواصل الاجتماعي أو الخطابات أو الموقع الإلكتروني، وتتابع الجمعية مقترحات المستفيدين وتعمل على التطوير المستمر.",
        "How do I make a complaint or a suggestion?",
        "Contact the association through any of its channels — in person, by phone, social media, letters or the website. The association follows up beneficiaries' suggestions and keeps improving.",
    ),
    (
        "channels",
        "rights",
        "ما قنوات التواصل مع الجمعية؟",
        "المقابلة، والاتصالات الهاتفية، ووسائل التواصل الاجتماعي، والخطابات، وخدمات طلب المساعدة، وخدمة التطوع، والموقع الإلكتروني للجمعية.",
        "How can I contact the association?",
        "In person, by phone, on social media, by letter, through the help-request services, the volunteering service, and the association's website.",
    ),
    (
        "service-at-home",
        "rights",
        "هل يمكن أن تصلني الخدمة في مكاني؟",
        "من أهداف الجمعية تقديم الخدمة للمستفيد من موقعه حفاظًا لوقته وتقديرًا لظروفه، وذلك بحسب نوع الخدمة وإمكانات الجمعية.",
        "Can the service reach me where I am?",
        "One of the association's goals is to serve beneficiaries where they are, to save their time and respect their circumstances, depending on the service and the association's means.",
    ),
]

# One question exists only in Arabic so far: the English site shows it with a label.
ARABIC_ONLY = (
    "zakat",
    "help-requests",
    "هل تقبل الجمعية الزكاة؟",
    "نعم، تستقبل الجمعية الزكاة وتصرفها في مصارفها الشرعية على المستفيدين المستحقين بعد دراسة لجنة البحث.",
)


# Answers that lead to a service link to it.
SERVICES = {
    "how-to-apply": "intake_help_request",
    "track-request": "intake_track_lookup",
    "how-to-volunteer": "intake_volunteer",
}


def load_faq_demo(home) -> list[str]:
    """The FAQ page under `home` (when missing) and the demo questions of `home`'s association
    (when it has none)."""
    site = home.get_site()
    if FAQ.all_sites.filter(site=site).exists():
        return []
    if not FAQPage.objects.child_of(home).exists():
        _faq_page(home)
    categories = {}
    for order, (slug, name_ar, name_en) in enumerate(CATEGORIES):
        categories[slug], _new = FAQCategory.all_sites.get_or_create(
            site=site,
            slug=slug,
            defaults={"name": name_ar, "name_ar": name_ar, "name_en": name_en, "sort_order": order},
        )
    policy = PolicyPage.objects.descendant_of(home).filter(slug="beneficiary-relations").first()
    for order, (slug, category, q_ar, a_ar, q_en, a_en) in enumerate(FAQS):
        faq = FAQ.all_sites.create(
            site=site,
            slug=slug,
            service=SERVICES.get(slug, ""),
            category=categories[category],
            sort_order=order,
            question=q_ar,
            question_ar=q_ar,
            question_en=q_en,
            answer=f"<p>{a_ar}</p>",
            answer_ar=f"<p>{a_ar}</p>",
            answer_en=f"<p>{a_en}</p>",
        )
        if policy and category in {"help-requests", "follow-up", "rights"}:
            faq.related_policies.add(policy)
            faq.save()
    slug, category, q_ar, a_ar = ARABIC_ONLY
    FAQ.all_sites.create(
        site=site, slug=slug, category=categories[category], sort_order=99,
        question=q_ar, question_ar=q_ar, answer=f"<p>{a_ar}</p>", answer_ar=f"<p>{a_ar}</p>",
    )  # fmt: skip
    return ["faqs"]


def _faq_page(home) -> FAQPage:
    page = FAQPage(
        slug="faq",
        title="الأسئلة الشائعة",
        title_ar="الأسئلة الشائعة",
        title_en="Frequently asked questions",
        intro_ar="إجابات عن أكثر ما يسأل عنه المستفيدون والمتطوعون.",
        intro_en="Answers to what beneficiaries and volunteers ask most.",
        show_in_menus=True,
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page
