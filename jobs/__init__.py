"""Outbox jobs: what the background worker runs, never inside a Teams turn (post a case's card
and thread replies, tell people what happened, reminders, delivery problems)."""
