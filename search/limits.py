"""The request limits, declared once: the engine enforces them, settings default to them, the CLI honours them.

No imports: the CLI and the settings read these without loading the search machinery.
"""

MAX_PER_PAGE = 100  # hits on one page (setting MAX_PER_PAGE may lower or raise it)
MAX_PAGE = 100_000  # the last page number accepted
MAX_QUERY_LENGTH = 500  # characters of a query (setting MAX_QUERY_LENGTH)
