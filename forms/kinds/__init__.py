"""The kinds of submission this app declares, one module each: the kind class (its procedure as
data and its hooks), registered on import, then its services by their old names."""
