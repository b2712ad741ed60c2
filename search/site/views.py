"""The public site-search page at /ar/search/ and /en/search/."""

from django.core.paginator import Paginator
from django.shortcuts import render

from cms.models import FAQCategory, FAQPage
from search.site.ranking import clean_query, search_site

PAGE_SIZE = 10


def site_search(request):
    query = clean_query(request.GET.get("q"))
    results = search_site(query) if query else []
    paginator = Paginator(results, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    faq_page = FAQPage.objects.live().public().first()
    context = {
        "query": query,
        "page_obj": page,
        "results": page.object_list,
        "total": paginator.count,
        "faq_page": faq_page,
        "faq_categories": FAQCategory.objects.filter(faqs__isnull=False).distinct()
        if faq_page
        else [],
    }
    return render(request, "search/search.html", context)
