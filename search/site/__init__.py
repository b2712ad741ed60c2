"""Public site search: policies by section and FAQs through Wagtail's search backend, ranked
(`ranking`), as a page (`views`), in the API (`api`), and scored against judged queries
(`quality`)."""
