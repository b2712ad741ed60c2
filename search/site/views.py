"""The public site-search page at /ar/search/ and /en/search/."""

from django.core.paginator import Paginator
from django.shortcuts import render

from wagtail.models import Site

from cms.models import FAQCategory, FAQPage
from search.site.ranking import clean_query, find

PAGE_SIZE = 10


def site_search(request):
    query = clean_query(request.GET.get("q"))
    site = Site.find_for_request(request)
    found = find(query, site_id=site.pk if site else None) if query else None
    paginator = Paginator(found.keys if found else [], PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    results = found.results(page.start_index() - 1, page.end_index()) if found else []
    faq_page = FAQPage.objects.live().public().first()
    context = {
        "query": query,
        "page_obj": page,
        "results": results,
        "total": paginator.count,
        "suggestion": found.suggestion if found else "",
        "faq_page": faq_page,
        "faq_categories": FAQCategory.objects.filter(faqs__isnull=False).distinct()
        if faq_page
        else [],
    }
    return render(request, "search/search.html", context)
