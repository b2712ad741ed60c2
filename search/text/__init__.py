"""Pure text analysis for every search: Arabic normalisation and light stemming (`arabic`),
people's names and phone numbers (`names`), and how alike two words are (`fuzzy`). No models,
no database."""
