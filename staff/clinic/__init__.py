"""The clinic's own settings and records: settings, API tokens, the audit log and outbox pages,
data requests, the embed page.
"""
