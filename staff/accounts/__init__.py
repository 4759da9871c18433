"""Staff accounts: sign-in and its second step, sessions, lockout, passwords and set-password
links, two-factor, one's own account, staff administration, the `flask staff` commands.
"""
