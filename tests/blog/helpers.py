"""Values shared by the blog's page tests."""

import datetime

# A fixed publication time, so that dates and archive months are known.
PUBLISHED_AT = datetime.datetime(2026, 3, 14, 9, 30, tzinfo=datetime.UTC)
