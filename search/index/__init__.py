"""The submission index: it knows no app. Apps register the kinds they want searched
(`registry`); `service` searches what a user may see, indexes what is `pending` and reports the
index's health, through the backend the settings choose (`base`: `database` or `elastic`);
`query` is the query and answer every backend shares."""
