"""How stored things are named and numbered, in one place for both backends.

Redis keys come only from `KeyBuilder`, so the key layout can be read (and changed) here
instead of being scattered through Lua scripts and commands. The case-number format and the
UTC-microsecond time encoding live here too because both stores must agree on them exactly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from domain.case import Case
from domain.clock import STOCKHOLM
from domain.ports import CaseFilter

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ALL_CASES = CaseFilter()  # the ports' default filter, shared so no default argument is a call


def json_text(value: Any) -> str:
    """Compact JSON with UTF-8 kept as is (Lua's cjson and SREM see the same bytes)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class KeyBuilder:
    """Every Redis key of one installation. A distinct `prefix` isolates installations (and tests)
    that share a Redis; use a hash-tagged prefix such as "{sid}" on Redis Cluster so the Lua
    scripts' keys share one slot."""

    prefix: str = "sid"

    def _key(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    # --- botbuilder documents (dialog, conversation and user state) ----------------------------
    def document(self, key: str) -> str:
        """Hash {e: eTag, d: JSON document}."""
        return self._key("doc", key)

    # --- cases ------------------------------------------------------------------------------------
    def case_prefix(self) -> str:
        """`case(id)` is this plus the id; the list script needs the prefix alone."""
        return self._key("case", "")

    def case(self, case_id: str) -> str:
        """Hash {v: version, j: case JSON, idx: JSON list of the index sets holding the id}."""
        return self.case_prefix() + case_id

    def case_numbers(self) -> str:
        """Hash case number → case id."""
        return self._key("case-numbers")

    def case_counter(self, year: int) -> str:
        """Integer: the last case number given out in `year`."""
        return self._key("case-seq", str(year))

    def cases_all(self) -> str:
        return self._key("cases", "all")

    def cases_open(self) -> str:
        return self._key("cases", "open")

    def cases_by_status(self, status: str) -> str:
        return self._key("cases", "status", status)

    def cases_by_organisation(self, name: str) -> str:
        return self._key("cases", "org", name)

    def cases_by_submitter(self, person_id: str) -> str:
        return self._key("cases", "submitter", person_id)

    def cases_filed(self, person_id: str) -> str:
        """Sorted set: the ids of the person's cases filed within FILING_WINDOW, scored by
        created_at (UTC µs); trimmed and given FILING_WINDOW to live by each create."""
        return self._key("cases", "filed", person_id)

    def cases_by_assignee(self, person_id: str) -> str:
        return self._key("cases", "assignee", person_id)

    def cases_idle(self, kind: str) -> str:
        """Sorted set: open case ids of one reminder kind, scored by updated_at (UTC µs)."""
        return self._key("cases", "idle", kind)

    def cases_counted(self) -> str:
        """Set: ids of the cases the statistics count (all but those filed before they existed)."""
        return self._key("cases", "counted")

    def stats_month(self, month: str) -> str:
        """Hash counter → count, of one Stockholm month ("2026-11"; domain/statistics.py)."""
        return self._key("stats", month)

    def case_indexes(self, case: Case) -> list[str]:
        """The index sets `case` belongs to in its current state."""
        keys = [
            self.cases_all(),
            self.cases_by_status(case.status.value),
            self.cases_by_organisation(case.organisation.name),
            self.cases_by_submitter(case.submitter.id),
        ]
        if case.is_open:
            keys.append(self.cases_open())
        if case.assignee is not None:
            keys.append(self.cases_by_assignee(case.assignee.id))
        return keys

    # --- audit, conversation references -----------------------------------------------------------
    def audit(self, case_id: str) -> str:
        """List of AuditEntry JSON, oldest first."""
        return self._key("audit", case_id)

    def audit_pattern(self) -> str:
        """Glob for every case's audit list (the audit export scans them)."""
        return self._key("audit", "*")

    def reference(self, key: str) -> str:
        """String: a serialised ConversationReference."""
        return self._key("ref", key)

    # --- due index (reminders) -------------------------------------------------------------------
    def due_schedule(self) -> str:
        """Sorted set item id → when it is next visible to claimers (UTC µs)."""
        return self._key("due", "schedule")

    def due_items(self) -> str:
        """Hash item id → {"due_at", "payload"} JSON."""
        return self._key("due", "items")

    def due_claims(self) -> str:
        """Hash item id → token of its latest claim."""
        return self._key("due", "claims")

    # --- de-duplication ----------------------------------------------------------------------------
    def seen(self, activity_id: str) -> str:
        """String: a token of the first offer, with the caller's TTL."""
        return self._key("seen", activity_id)

    def send_marker(self, key: str) -> str:
        """String: a proactive send's claim or done marker (JSON), with a TTL (SendMarkers)."""
        return self._key("sent", key)

    def pattern(self) -> str:
        """Glob for every key of this prefix (test clean-up, migrations)."""
        return self._key("*")


class DocumentKeys:
    """Every logical key the bot itself writes into the DocumentStore (botbuilder's own state keys
    are botbuilder's). Lifetimes are in the README's storage tables."""

    @staticmethod
    def routing(case_id: str) -> str:
        """Routing's record of a case: what was announced in its thread, which card version is up."""
        return f"routing:case:{case_id}"

    @staticmethod
    def case_place(case_id: str) -> str:
        """Where a case lives in Teams (jobs/case_places.py): its thread and card ids."""
        return f"routing:place:{case_id}"

    @staticmethod
    def delivery_problems() -> str:
        """The bounded list of delivery problems `@bot påminnelser` shows."""
        return "delivery:problems"

    @staticmethod
    def central_channel() -> str:
        return "config:central_channel"

    @staticmethod
    def admin_roster() -> str:
        return "config:admin_roster"


class SendKeys:
    """The idempotency keys of proactive sends (each names one message, whichever job or replica
    sends it; SendMarkers keep them under `KeyBuilder.send_marker`)."""

    @staticmethod
    def thread(case_id: str, channel_id: str) -> str:
        return f"{case_id}:thread:{channel_id}"

    @staticmethod
    def thread_reply(case_id: str, event_index: int) -> str:
        return f"{case_id}:e{event_index}:thread-reply"

    @staticmethod
    def received(case_id: str) -> str:
        return f"{case_id}:received:submitter"

    @staticmethod
    def submitter(case_id: str, event_index: int) -> str:
        return f"{case_id}:e{event_index}:submitter"

    @staticmethod
    def reminder(reminder_key: str, recipient: str) -> str:
        return f"{reminder_key}:{recipient}"

    @staticmethod
    def problem_note(record_key: str) -> str:
        return f"problem:{record_key}"


def case_year(case: Case) -> int:
    """Case numbers follow the calendar year in Sweden, not in UTC."""
    if case.created_at.tzinfo is None:
        raise ValueError("Case.created_at must be timezone-aware")
    return case.created_at.astimezone(STOCKHOLM).year


def case_number_prefix(year: int) -> str:
    return f"SID-{year}-"


def case_number(year: int, n: int) -> str:
    """SID-2026-0001; a year's 10,000th case simply gets five digits."""
    return f"{case_number_prefix(year)}{n:04d}"


def to_micros(at: datetime) -> int:
    """UTC microseconds since the epoch: exact in SQLite integers and in Redis scores (< 2**53)."""
    if at.tzinfo is None:
        raise ValueError("naive datetime: storage needs timezone-aware times")
    return (at - _EPOCH) // timedelta(microseconds=1)


def from_micros(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


def ttl_millis(ttl: timedelta) -> int:
    """A TTL in whole milliseconds, at least 1 (zero or negative would mean "never seen")."""
    return max(1, ttl // timedelta(milliseconds=1))
