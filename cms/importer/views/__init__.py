"""Admin views of the importer: the editors upload, preview and rearrange (`editors`); a board
secretary confirms or dismisses the approval a document states (`approvals`)."""
