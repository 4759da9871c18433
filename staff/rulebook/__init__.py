"""The rule book: the rules in words, a version awaiting sign-off, signing and withdrawing, the
`flask rules` commands.
"""
