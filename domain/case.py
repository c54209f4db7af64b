"""A protected-identity removal case and the steps the central team takes on it.

Every state change goes through `Case.apply`, which checks the transition table and records an
event. The steps follow the method guide: section 3.3 for type A (no ongoing care episode, the
admin phones the submitter for the personnummer) and 4.3 for type B (ongoing episode, searched
by care-episode ID, no phone call).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator

from domain.identity_guard import contains_identity_number, mask_name
from domain.municipalities import default_label


class CaseKind(StrEnum):
    A = "A"  # no ongoing care episode (3.x)
    B = "B"  # ongoing care episode (4.x)


class OrgKind(StrEnum):
    REGION = "region"
    MUNICIPALITY = "municipality"


class Organisation(BaseModel, frozen=True):
    kind: OrgKind
    name: str  # "Region Västernorrland" or the municipality's stable name ("Sundsvall")
    label: str = ""  # the display form when filed ("Sundsvalls kommun"); older records lack it

    @property
    def display(self) -> str:
        """What people read: 'Region Västernorrland', 'Sundsvalls kommun', 'Timrå kommun'."""
        if self.label:
            return self.label
        return self.name if self.kind is OrgKind.REGION else default_label(self.name)


# Names and sign-in names the guard found clean. Every click makes the same few people again
# (the case's submitter and event actors from its JSON, the clicking admin, the roster): at
# ~2.5 µs of scanning each, the guard was ~60 % of parsing a case with five events. A text seen
# clean is scanned once; one that held a number is never kept here and is masked every time.
# Bounded: emptied when full.
_SEEN_CLEAN: set[str] = set()
_SEEN_CLEAN_LIMIT = 2048


def _remember_clean(text: str) -> None:
    if len(_SEEN_CLEAN) >= _SEEN_CLEAN_LIMIT:
        _SEEN_CLEAN.clear()
    _SEEN_CLEAN.add(text)


class Person(BaseModel, frozen=True):
    """A Teams user: `id` is the channel account id, `aad_id` the Entra object id, `upn` the
    sign-in name (anna@region.se) when Teams told us (the call link prefers it)."""

    id: str
    name: str
    aad_id: str = ""
    upn: str = ""

    @field_validator("name")
    @classmethod
    def _no_identity_number(cls, name: str) -> str:
        # Names come from Teams (a message, a member list): one holding a personnummer is
        # masked wherever a Person is made, so no case, audit entry or roster keeps it.
        if name in _SEEN_CLEAN:
            return name
        masked = mask_name(name)
        if masked == name:  # no number in it
            _remember_clean(name)
        return masked

    @field_validator("upn")
    @classmethod
    def _no_upn_with_identity_number(cls, upn: str) -> str:
        # A sign-in name built from a personnummer cannot be masked (the call link would
        # break): it is dropped, and the link falls back to the Entra id.
        if upn in _SEEN_CLEAN:
            return upn
        if contains_identity_number(upn):
            return ""
        _remember_clean(upn)
        return upn


class Status(StrEnum):
    AWAITING_FORWARD = "awaiting_forward"  # in a municipality's channel, not yet sent on (3.2/4.2)
    RECEIVED = "received"
    CALLED_SUBMITTER = "called_submitter"
    ADDRESS_UPDATED = "address_updated"
    IDENTITY_VERIFIED = "identity_verified"
    PROCESS_CLOSED = "process_closed"
    SERVICENOW_PENDING = "servicenow_pending"  # the bot is creating the vendor's ServiceNow record
    SENT_TO_VENDOR = "sent_to_vendor"
    VENDOR_REPORTED = "vendor_reported"  # ServiceNow says resolved: an admin confirms the deletion
    VENDOR_CONFIRMED = "vendor_confirmed"  # only in records from before confirming closed the case
    CLOSED = "closed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


FINAL_STATUSES = frozenset({Status.CLOSED, Status.REJECTED, Status.WITHDRAWN})


class Action(StrEnum):
    FORWARD = "forward"
    TAKE = "take"
    REASSIGN = "reassign"
    UNASSIGN = "unassign"
    RECORD_CALL = "record_call"
    RECORD_ADDRESS_UPDATE = "record_address_update"
    CONFIRM_PROTECTED = "confirm_protected"
    REJECT_NOT_PROTECTED = "reject_not_protected"
    RECORD_PROCESS_CLOSED = "record_process_closed"
    REQUEST_SERVICENOW = "request_servicenow"
    RECORD_SENT_TO_VENDOR = "record_sent_to_vendor"
    SERVICENOW_FAILED = "servicenow_failed"
    SERVICENOW_EXTRA = "servicenow_extra"
    RECORD_VENDOR_REPORT = "record_vendor_report"
    RECORD_VENDOR_CONFIRMED = "record_vendor_confirmed"
    CLOSE = "close"
    WITHDRAW = "withdraw"


# The ordered steps per kind: (status before, action, status after). Type B skips the call.
_STEPS_A = (
    (Status.RECEIVED, Action.RECORD_CALL, Status.CALLED_SUBMITTER),
    (Status.CALLED_SUBMITTER, Action.RECORD_ADDRESS_UPDATE, Status.ADDRESS_UPDATED),
)
_STEPS_B = ((Status.RECEIVED, Action.RECORD_ADDRESS_UPDATE, Status.ADDRESS_UPDATED),)
_STEPS_COMMON = (
    (Status.ADDRESS_UPDATED, Action.CONFIRM_PROTECTED, Status.IDENTITY_VERIFIED),
    (Status.ADDRESS_UPDATED, Action.REJECT_NOT_PROTECTED, Status.REJECTED),
    (Status.IDENTITY_VERIFIED, Action.RECORD_PROCESS_CLOSED, Status.PROCESS_CLOSED),
    # Step 6 by the bot (when ServiceNow is configured): the record is created in an outbox job.
    (Status.PROCESS_CLOSED, Action.REQUEST_SERVICENOW, Status.SERVICENOW_PENDING),
    (Status.PROCESS_CLOSED, Action.RECORD_SENT_TO_VENDOR, Status.SENT_TO_VENDOR),
    # The manual path stays open while the bot works on it (ServiceNow slow or failing).
    (Status.SERVICENOW_PENDING, Action.RECORD_SENT_TO_VENDOR, Status.SENT_TO_VENDOR),
    # 3.3 step 7: the vendor's confirmation that everything is deleted ends the case.
    (Status.SENT_TO_VENDOR, Action.RECORD_VENDOR_CONFIRMED, Status.CLOSED),
    # The bot read the vendor's answer in ServiceNow; a person confirms the deletion (or, when the
    # answer says otherwise, records a new ticket).
    (Status.VENDOR_REPORTED, Action.RECORD_VENDOR_CONFIRMED, Status.CLOSED),
    (Status.VENDOR_REPORTED, Action.RECORD_SENT_TO_VENDOR, Status.SENT_TO_VENDOR),
    # Only cases confirmed before that rule (stored as vendor_confirmed) still need closing.
    (Status.VENDOR_CONFIRMED, Action.CLOSE, Status.CLOSED),
)

STEP_TRANSITIONS: dict[CaseKind, dict[tuple[Status, Action], Status]] = {
    kind: {(before, action): after for before, action, after in steps + _STEPS_COMMON}
    for kind, steps in ((CaseKind.A, _STEPS_A), (CaseKind.B, _STEPS_B))
}

# What the bot records itself, as SYSTEM (never offered on a card): the ServiceNow record it
# created, that it could not create one (the case goes back to the manual step), the vendor's
# answer read from ServiceNow, and a record it created while an admin recorded a ticket by hand
# (an extra one, named for the admin to close in ServiceNow; the status stays).
SYSTEM_TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.SERVICENOW_PENDING, Action.RECORD_SENT_TO_VENDOR): Status.SENT_TO_VENDOR,
    (Status.SERVICENOW_PENDING, Action.SERVICENOW_FAILED): Status.PROCESS_CLOSED,
    (Status.SENT_TO_VENDOR, Action.RECORD_VENDOR_REPORT): Status.VENDOR_REPORTED,
    (Status.SENT_TO_VENDOR, Action.SERVICENOW_EXTRA): Status.SENT_TO_VENDOR,
    (Status.VENDOR_REPORTED, Action.SERVICENOW_EXTRA): Status.VENDOR_REPORTED,
}
SYSTEM_ONLY = frozenset({Action.SERVICENOW_FAILED, Action.RECORD_VENDOR_REPORT, Action.SERVICENOW_EXTRA})
SYSTEM = Person(id="system:skyddad-id", name="Skyddad ID")

STEP_ACTIONS = frozenset(action for table in STEP_TRANSITIONS.values() for _, action in table)
ASSIGNMENT_ACTIONS = frozenset({Action.TAKE, Action.REASSIGN, Action.UNASSIGN})
# The submitter may withdraw until the vendor has been asked to delete.
WITHDRAWABLE = frozenset(
    {
        Status.AWAITING_FORWARD,
        Status.RECEIVED,
        Status.CALLED_SUBMITTER,
        Status.ADDRESS_UPDATED,
        Status.IDENTITY_VERIFIED,
        Status.PROCESS_CLOSED,
    }
)


class CaseError(Exception):
    """An action that the case's state does not allow; `code` keys the user message."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class Event(BaseModel, frozen=True):
    at: datetime
    actor: Person
    action: Action
    status_after: Status
    detail: str = ""  # a reason, a ServiceNow number, the new assignee's name; never a patient id


class Case(BaseModel):
    id: str
    number: str = ""  # SID-2026-0001, given by the repository on create
    kind: CaseKind
    organisation: Organisation
    patient_id: str
    episode_id: str | None = None
    submitter: Person
    submitter_phone: str = ""
    created_at: datetime
    updated_at: datetime
    status: Status = Status.RECEIVED
    assignee: Person | None = None
    servicenow_number: str = ""
    # The vendor's close notes, as the bot read them from ServiceNow (free text: purged).
    vendor_report: str = ""
    rejection_reason: str = ""
    # Bumped by the repository on every write, and only domain changes write a case (where its
    # card lives in Teams is routing's record, jobs/case_places.py): a card shows this version.
    version: int = 0
    events: list[Event] = Field(default_factory=list)
    # Set when the retention purge blanked the identifiers (domain/retention.py).
    purged_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status not in FINAL_STATUSES

    def next_version(self) -> Case:
        """This case as a store writes it next (version + 1), sharing nothing the caller can
        change: its own events list; events, people and the organisation are frozen and every
        other field is a plain value. The stores return it instead of parsing the JSON they just
        wrote (a second validation of people validated when they were made: ~0.1 ms a click)."""
        return self.model_copy(update={"version": self.version + 1, "events": list(self.events)})

    def allowed_actions(self, actor: Person) -> list[Action]:
        """What `actor` (an authorised admin) may do next; drives the card's buttons."""
        if not self.is_open:
            return []
        if self.status is Status.AWAITING_FORWARD:
            return [Action.FORWARD]
        if self.assignee is None or self.assignee.id != actor.id:
            return [Action.TAKE]
        steps = [a for (s, a) in STEP_TRANSITIONS[self.kind] if s is self.status]
        return [*steps, Action.REASSIGN, Action.UNASSIGN]

    def apply(
        self, action: Action, actor: Person, at: datetime, *, detail: str = "", target: Person | None = None
    ) -> Event:
        """Carry out one action or raise CaseError; the caller persists with a version check."""
        if not self.is_open:
            raise CaseError("case_closed")
        if action is Action.WITHDRAW:
            if actor.id != self.submitter.id:
                raise CaseError("not_submitter")
            if self.status not in WITHDRAWABLE:
                raise CaseError("too_late_to_withdraw")
            self.status = Status.WITHDRAWN
        elif action is Action.FORWARD:
            if self.status is not Status.AWAITING_FORWARD:
                raise CaseError("already_forwarded")
            self.status = Status.RECEIVED
        elif self.status is Status.AWAITING_FORWARD:
            raise CaseError("not_forwarded")
        elif action in ASSIGNMENT_ACTIONS:
            detail = self._assign(action, actor, target)
        else:
            detail = self._step(action, actor, detail)
        event = Event(at=at, actor=actor, action=action, status_after=self.status, detail=detail)
        self.events.append(event)
        self.updated_at = at
        return event

    def _assign(self, action: Action, actor: Person, target: Person | None) -> str:
        if action is Action.TAKE:
            if self.assignee is not None and self.assignee.id == actor.id:
                raise CaseError("already_yours")
            self.assignee = actor
            return actor.name
        if action is Action.UNASSIGN:
            if self.assignee is None:
                raise CaseError("not_assigned")
            self.assignee = None
            return ""
        if target is None:
            raise CaseError("reassign_needs_target")
        self.assignee = target
        return target.name

    def _step(self, action: Action, actor: Person, detail: str) -> str:
        if actor.id == SYSTEM.id:
            after = SYSTEM_TRANSITIONS.get((self.status, action))
        elif action in SYSTEM_ONLY:
            raise CaseError("system_only")
        elif self.assignee is None or self.assignee.id != actor.id:
            raise CaseError("not_assignee")
        else:
            after = STEP_TRANSITIONS[self.kind].get((self.status, action))
        if after is None:
            raise CaseError("step_out_of_order")
        if action in (Action.RECORD_SENT_TO_VENDOR, Action.SERVICENOW_EXTRA) and not detail:
            raise CaseError("servicenow_number_required")
        if action is Action.RECORD_SENT_TO_VENDOR:
            self.servicenow_number = detail
            self.vendor_report = ""
        if action is Action.RECORD_VENDOR_REPORT:
            self.vendor_report = detail
        if action is Action.REJECT_NOT_PROTECTED:
            if not detail:
                raise CaseError("reason_required")
            self.rejection_reason = detail
        self.status = after
        return detail
