"""Accounts: people, roles and reviewer functions, passwords, TOTP MFA, sessions and personal API tokens."""
