"""What a pipeline run over generated data may legitimately leave empty or unwritten.

Tests that require "every table has rows" use these, so that an exception is named once with
its reason instead of being repeated (or silently widened) in each test.
"""

# written by the pipeline, but empty when nothing in the input calls for a row
MAY_BE_EMPTY = {
    "gold.security_alerts": "raised from audit.access_log, which a pipeline run does not fill",
    "silver.reference_rejects": "only rows of reference files that cannot be loaded",
    "gold.message_scores": "a tiny firm may hold no flagged message",
}

# written by people's actions (dashboards, CLI), never by a pipeline run
WRITTEN_BY_USERS = {
    "audit.access_log": "page views, exports and re-identifications",
    "gold.alert_reviews": "review-queue actions in the dashboards",
    "audit.legal_holds": "`vigia hold`",
    "audit.erasure_log": "`vigia retention run` and erasures",
}
