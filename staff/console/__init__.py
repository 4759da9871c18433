"""The console's shared pieces: its blueprint and who may see what, lookups, labels, the
confirm page, the audit log's writer.
"""
