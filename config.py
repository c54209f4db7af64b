"""Every setting of the bot, in one validated place.

Values come from the environment or a `.env` file in the working directory. A bad value stops
the bot at start with one clear line per problem (see `load_settings`).
"""

from __future__ import annotations

import ipaddress
import re
from datetime import time
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    AliasChoices,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from domain.business_time import BusinessCalendar
from domain.digest import DigestSchedule
from domain.municipalities import Municipality, parse_municipalities
from domain.reminder_schedule import format_span, parse_span
from domain.reminders import Cadence, ReminderPolicy

DEFAULT_MUNICIPALITIES = (
    "Sundsvall",
    "Timrå",
    "Härnösand",
    "Kramfors",
    "Sollefteå",
    "Örnsköldsvik",
    "Ånge",
)

CsvList = Annotated[list[str], NoDecode]
MunicipalChannels = Annotated[dict[str, str], NoDecode]
# Reminder defaults come from the policy itself, so the README table and the code cannot drift.
_CALENDAR = BusinessCalendar()
_POLICY = ReminderPolicy()
_SPAN_HELP = "business time (office hours, working days): `4h`, `1d`, `1.5d`, `1d4h`"


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """Runtime configuration. Field docs are the README's settings table."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    # --- Bot Framework identity -------------------------------------------------------------
    app_id: str = Field(
        "",
        validation_alias=AliasChoices("MicrosoftAppId", "MICROSOFT_APP_ID"),
        description="Entra app id of the bot. Empty = local mode: inbound auth off, loopback only.",
    )
    app_password: str = Field(
        "",
        validation_alias=AliasChoices("MicrosoftAppPassword", "MICROSOFT_APP_PASSWORD"),
        description="Client secret of the bot app.",
    )
    app_type: Literal["MultiTenant", "SingleTenant", "UserAssignedMSI"] = Field(
        "SingleTenant",
        validation_alias=AliasChoices("MicrosoftAppType", "MICROSOFT_APP_TYPE"),
        description="Bot app type; affects outbound tokens only.",
    )
    app_tenant_id: str = Field(
        "",
        validation_alias=AliasChoices("MicrosoftAppTenantId", "MICROSOFT_APP_TENANT_ID"),
        description="Tenant of a SingleTenant app.",
    )
    allowed_tenant_ids: CsvList = Field(
        default_factory=list,
        description="Comma-separated tenant ids whose activities are accepted (required with an app id).",
    )

    # --- Edge: inbound requests and outbound hosts ---------------------------------------------
    openid_metadata_url: str = Field(
        "",
        description="OpenID metadata of the Bot Framework channel's token signing keys. Empty = the "
        "public cloud's; set only for sovereign clouds and tests (a local metadata host).",
    )
    openid_timeout_seconds: float = Field(
        5.0, gt=0, le=60, description="Timeout of one signing-key fetch; only requests that need keys wait."
    )
    openid_refresh_hours: float = Field(
        6.0, gt=0, le=24, description="Signing keys are refreshed in the background this often."
    )
    allowed_service_url_hosts: CsvList = Field(
        default_factory=lambda: ["smba.trafficmanager.net"],
        description="Teams connector hosts (https) the bot accepts activities from and sends to; "
        "local mode also allows loopback.",
    )
    max_request_bytes: int = Field(
        256 * 1024, ge=1024, description="Largest accepted request body; larger answers 413."
    )
    max_json_depth: int = Field(
        64, ge=8, le=500, description="Deepest accepted JSON nesting of an activity; deeper answers 400."
    )

    intakes_per_user_hour: int = Field(
        5, ge=0, description="Cases one person may file in any hour (all replicas); 0 = no cap."
    )
    turns_per_user_minute: int = Field(
        30,
        ge=0,
        description="Messages and card clicks one person may send a minute (per replica); 0 = no cap.",
    )
    turns_per_conversation_minute: int = Field(
        60,
        ge=0,
        description="Messages and card clicks one conversation may bring a minute (per replica); 0 = no cap.",
    )

    # --- Server --------------------------------------------------------------------------------
    host: str = Field("127.0.0.1", description="Address to bind. Local mode allows loopback only.")
    port: int = Field(3978, ge=1, le=65535, description="Port to bind.")
    data_dir: Path = Field(Path("data"), description="Folder of the embedded store.")
    redis_url: str = Field("", description="redis:// URL. Empty = embedded SQLite store.")
    redis_key_prefix: str = Field(
        "sid", pattern=r"^[A-Za-z0-9_{}.-]+$", description="Prefix of every Redis key (shared Redis)."
    )
    language: Literal["auto", "sv", "en"] = Field(
        "auto",
        description="auto = Swedish unless the Teams locale is English; sv/en = always that language.",
    )
    log_format: Literal["text", "json"] = Field("text", description="Log line format.")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", description="Log level.")
    metrics_token: str = Field(
        "",
        description="Bearer token Prometheus sends to GET /metrics. Local mode: /metrics is open (loopback). "
        "With MicrosoftAppId: empty = no /metrics (404).",
    )

    # --- Intake --------------------------------------------------------------------------------
    municipalities: CsvList = Field(
        default_factory=lambda: list(DEFAULT_MUNICIPALITIES),
        description="Municipalities offered at intake, comma-separated: `Name` or `Name=Display form` "
        "(`Sundsvall=Sundsvalls kommun`). The name is stored on cases and keys MUNICIPAL_CHANNELS; "
        "without a display form it is the name's genitive + ` kommun` (Sundsvalls kommun, Timrå kommun).",
    )
    patient_id_pattern: str = Field(
        r"[A-Za-z0-9]{4,20}", description="Regex a Patient ID must match in full."
    )
    patient_id_hint: str = Field(
        "4–20 bokstäver eller siffror", description="How the Patient ID format is described to users."
    )
    episode_id_pattern: str = Field(
        r"[A-Za-z0-9-]{3,30}", description="Regex a care-episode ID must match in full."
    )
    episode_id_hint: str = Field(
        "3–30 bokstäver, siffror eller bindestreck",
        description="How the care-episode ID format is described to users.",
    )
    intake_expiry_minutes: int = Field(
        24 * 60, ge=1, description="An intake left this long is abandoned and starts over."
    )

    case_retention_days: int = Field(
        30,
        ge=0,
        le=3650,
        description="Days after a case ends (closed, rejected, withdrawn) until its Patient ID, "
        "care-episode ID and free text are purged and the posted cards rewritten; 0 = at once.",
    )

    # --- Background work ------------------------------------------------------------------------
    outbox_poll_seconds: float = Field(
        1.0, ge=0, description="How often the outbox/reminder worker polls the store; 0 = worker off."
    )
    outbox_lease_seconds: float = Field(
        120.0,
        ge=1,
        description="A claimed outbox item or reminder whose replica died is due again after this long; "
        "keep it well above the time one batch takes.",
    )
    outbox_retry_attempts: int = Field(
        6,
        ge=1,
        le=50,
        description="A proactive send that fails transiently (429, 412, 5xx, timeout, refused) is tried "
        "at most this many times in all before it is dead-lettered.",
    )
    outbox_retry_max_age_minutes: float = Field(
        60.0,
        gt=0,
        description="...and not for longer than this after its first failure.",
    )
    outbox_retry_base_seconds: float = Field(
        5.0,
        gt=0,
        description="First retry delay; doubled per attempt (capped at 10 minutes), with full jitter, "
        "never sooner than Teams' Retry-After.",
    )
    proactive_send_timeout_seconds: float = Field(
        20.0,
        gt=0,
        le=120,
        description="One call to the Teams connector gives up after this long (counts as transient).",
    )
    clock_offset_hours: float = Field(
        0.0,
        ge=-87600,
        le=87600,  # ten years either way
        allow_inf_nan=False,
        description="Shift the bot's clock by this many hours (drills, acceptance tests); local mode only.",
    )

    # --- Weekly digest in the central channel -------------------------------------------------------
    digest_schedule: str = Field(
        "mon 08:00",
        description='Weekly digest: weekday and Stockholm time ("mon 08:00", "fre 15:30"), or "off".',
    )

    # --- Reminders (business time: Europe/Stockholm office hours, Swedish days off) ----------------
    office_hours_start: time = Field(_CALENDAR.opens, description="Office opens (local time, `08:00`).")
    office_hours_end: time = Field(_CALENDAR.closes, description="Office closes (local time, `17:00`).")
    reminder_unassigned_first: str = Field(
        format_span(_POLICY.unassigned.first),
        description=f"Nobody took the case: first reminder in the central channel after this; {_SPAN_HELP}.",
    )
    reminder_unassigned_every: str = Field(
        format_span(_POLICY.unassigned.every), description="Then again after each further span this long."
    )
    reminder_step_idle_first: str = Field(
        format_span(_POLICY.step_idle.first),
        description="The assignee's next step waits: first reminder (1:1 chat and case thread) after this.",
    )
    reminder_step_idle_every: str = Field(
        format_span(_POLICY.step_idle.every), description="Then again after each further span this long."
    )
    reminder_vendor_wait_first: str = Field(
        format_span(_POLICY.vendor_wait.first),
        description="Sent to the vendor, not confirmed: first reminder to chase ServiceNow after this.",
    )
    reminder_vendor_wait_every: str = Field(
        format_span(_POLICY.vendor_wait.every), description="Then again after each further span this long."
    )
    reminder_awaiting_forward_first: str = Field(
        format_span(_POLICY.awaiting_forward.first),
        description="Not yet forwarded from a municipality's channel: first reminder there after this.",
    )
    reminder_awaiting_forward_every: str = Field(
        format_span(_POLICY.awaiting_forward.every),
        description="Then again after each further span this long.",
    )
    reminder_escalate_from: int = Field(
        _POLICY.escalate_from,
        ge=1,
        description="From this reminder of an idle period on, the admin leads are @mentioned too.",
    )

    # --- Central team and routing --------------------------------------------------------------
    central_team_id: str = Field(
        "",
        description="Team id (19:…@thread.tacv2 or the Entra group id) of the central LifeCare SP team; when set, `@bot koppla kanal` works only in that team.",
    )
    central_channel_id: str = Field(
        "",
        description="Channel (19:…@thread.tacv2) that gets one thread per case; `koppla kanal` overrides it.",
    )
    admin_ids: CsvList = Field(
        default_factory=list,
        description="Central admins: Teams user ids (29:…) or Entra object ids; `id=Name` names one in the "
        "reassign list. Empty = nobody may act on cases, in local mode too.",
    )
    admin_lead_ids: CsvList = Field(
        default_factory=list,
        description="Admin leads (same format): admins who are also @mentioned when reminders escalate.",
    )
    municipal_admin_ids: CsvList = Field(
        default_factory=list,
        description="Municipal administrators (same format) who may forward a case from their channel; "
        "central admins may too.",
    )
    servicenow_pattern: str = Field(
        r"(INC|RITM|CS|REQ)\d{7}", description="Regex a ServiceNow number must match in full (upper case)."
    )
    # --- ServiceNow (optional: empty instance = the admins create the vendor's ticket by hand) ----
    servicenow_instance_url: str = Field(
        "",
        description="https://<instance>.service-now.com: the bot creates the vendor's record through the "
        "Table API and reads the vendor's answer. Empty = off (the manual step only). http only for "
        "127.0.0.1/localhost (tests).",
    )
    servicenow_client_id: str = Field("", description="OAuth client id (token from /oauth_token.do).")
    servicenow_client_secret: str = Field("", description="OAuth client secret.")
    servicenow_user: str = Field("", description="Basic auth user, when OAuth is not used.")
    servicenow_password: str = Field("", description="Basic auth password.")
    servicenow_table: str = Field(
        "incident", pattern=r"^[a-z][a-z0-9_]{0,79}$", description="Table the vendor's record is created in."
    )
    servicenow_assignment_group: str = Field(
        "", description="assignment_group of the record: the vendor's group (sys_id or name); empty = unset."
    )
    servicenow_category: str = Field("", description="category of the record; empty = unset.")
    servicenow_poll_minutes: float = Field(
        30.0,
        gt=0,
        le=24 * 60,
        description="How often (business time: office hours, working days) the bot reads an open "
        "vendor record for the vendor's answer.",
    )
    servicenow_resolved_states: CsvList = Field(
        default_factory=lambda: ["6", "7"],
        description="Values of the record's `state` that mean the vendor has answered (incident: "
        "6 Resolved, 7 Closed).",
    )
    servicenow_callback_secret: str = Field(
        "",
        description="Shared secret ServiceNow sends as `Authorization: Bearer …` to POST "
        "/api/servicenow/resolved when a vendor record changes (read at once instead of at the next "
        "poll). Empty = no such route (404); at least 32 characters.",
    )
    servicenow_timeout_seconds: float = Field(
        20.0, gt=0, le=120, description="One call to ServiceNow gives up after this long (transient)."
    )
    municipal_channels_enabled: bool = Field(
        False, description="Send municipal cases to their municipality's channel first (3.2/4.2)."
    )
    municipal_channels: MunicipalChannels = Field(
        default_factory=dict,
        description='Municipality → channel id: "Sundsvall=19:abc@thread.tacv2,Timrå=19:def@thread.tacv2".',
    )

    @field_validator(
        "allowed_tenant_ids",
        "allowed_service_url_hosts",
        "municipalities",
        "admin_ids",
        "admin_lead_ids",
        "municipal_admin_ids",
        "servicenow_resolved_states",
        mode="before",
    )
    @classmethod
    def _csv(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("municipal_channels", mode="before")
    @classmethod
    def _name_to_channel(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        pairs = [part.split("=", 1) for part in value.split(",") if part.strip()]
        if any(len(pair) != 2 for pair in pairs):
            raise ValueError('expected "Municipality=19:…@thread.tacv2,…"')
        return {name.strip(): channel.strip() for name, channel in pairs}

    @field_validator(
        "reminder_unassigned_first",
        "reminder_unassigned_every",
        "reminder_step_idle_first",
        "reminder_step_idle_every",
        "reminder_vendor_wait_first",
        "reminder_vendor_wait_every",
        "reminder_awaiting_forward_first",
        "reminder_awaiting_forward_every",
    )
    @classmethod
    def _business_span(cls, value: str, info: ValidationInfo) -> str:
        span = parse_span(value)  # raises ValueError with the accepted forms
        if str(info.field_name).endswith("_every") and span.days + span.hours <= 0:
            raise ValueError("a reminder must repeat after some business time, e.g. 1d")
        return value

    @model_validator(mode="after")
    def _reminders_consistent(self) -> Settings:
        self.business_calendar()  # office must open before it closes
        self.reminder_policy()
        return self

    @field_validator("digest_schedule")
    @classmethod
    def _digest_schedule(cls, value: str) -> str:
        DigestSchedule.parse(value)  # raises ValueError with the accepted forms
        return value

    def digest(self) -> DigestSchedule | None:
        """When the weekly digest goes out; None = off."""
        return DigestSchedule.parse(self.digest_schedule)

    def business_calendar(self) -> BusinessCalendar:
        return BusinessCalendar(opens=self.office_hours_start, closes=self.office_hours_end)

    def reminder_policy(self) -> ReminderPolicy:
        def cadence(first: str, every: str) -> Cadence:
            return Cadence(parse_span(first), parse_span(every))

        return ReminderPolicy(
            unassigned=cadence(self.reminder_unassigned_first, self.reminder_unassigned_every),
            step_idle=cadence(self.reminder_step_idle_first, self.reminder_step_idle_every),
            vendor_wait=cadence(self.reminder_vendor_wait_first, self.reminder_vendor_wait_every),
            awaiting_forward=cadence(
                self.reminder_awaiting_forward_first, self.reminder_awaiting_forward_every
            ),
            escalate_from=self.reminder_escalate_from,
        )

    @field_validator("patient_id_pattern", "episode_id_pattern", "servicenow_pattern")
    @classmethod
    def _valid_regex(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from exc
        return value

    @model_validator(mode="after")
    def _servicenow_complete(self) -> Settings:
        if self.servicenow_callback_secret and len(self.servicenow_callback_secret) < 32:
            raise ValueError(
                "SERVICENOW_CALLBACK_SECRET must be at least 32 characters (e.g. openssl rand -hex 32)"
            )
        if not self.servicenow_instance_url:
            if self.servicenow_callback_secret:
                raise ValueError("SERVICENOW_CALLBACK_SECRET needs SERVICENOW_INSTANCE_URL")
            return self
        url = urlsplit(self.servicenow_instance_url)
        loopback = url.hostname in {"127.0.0.1", "localhost"}
        if not url.hostname or (url.scheme != "https" and not (url.scheme == "http" and loopback)):
            raise ValueError(
                "SERVICENOW_INSTANCE_URL must be https://<instance>.service-now.com "
                "(http only for 127.0.0.1/localhost): the Patient ID goes there"
            )
        if url.path.strip("/") or url.query or url.username:
            raise ValueError("SERVICENOW_INSTANCE_URL is the instance's address only, without a path")
        oauth = bool(self.servicenow_client_id and self.servicenow_client_secret)
        basic = bool(self.servicenow_user and self.servicenow_password)
        if oauth == basic:
            raise ValueError(
                "with SERVICENOW_INSTANCE_URL set exactly one of SERVICENOW_CLIENT_ID + "
                "SERVICENOW_CLIENT_SECRET (OAuth) or SERVICENOW_USER + SERVICENOW_PASSWORD (basic) is needed"
            )
        if not self.servicenow_resolved_states:
            raise ValueError("SERVICENOW_RESOLVED_STATES must name at least one state")
        return self

    @property
    def servicenow_enabled(self) -> bool:
        return bool(self.servicenow_instance_url)

    @model_validator(mode="after")
    def _local_mode_is_loopback_only(self) -> Settings:
        if self.local_mode and not _is_loopback(self.host):
            raise ValueError(
                f"HOST={self.host}: without MicrosoftAppId inbound authentication is off, "
                "so the bot binds only to loopback (127.0.0.1 / ::1 / localhost)"
            )
        unknown = sorted(set(self.municipal_channels) - {m.name for m in self.municipality_list()})
        if unknown:
            raise ValueError(f"MUNICIPAL_CHANNELS names municipalities not in MUNICIPALITIES: {unknown}")
        if self.local_mode:
            return self
        if self.clock_offset_hours:
            raise ValueError(
                f"CLOCK_OFFSET_HOURS={self.clock_offset_hours:g}: a shifted clock is for drills and tests "
                "in local mode only; remove it when MicrosoftAppId is set"
            )
        if not self.allowed_tenant_ids:
            raise ValueError("ALLOWED_TENANT_IDS must list at least one tenant when MicrosoftAppId is set")
        if self.app_type != "UserAssignedMSI" and not self.app_password:
            raise ValueError("MicrosoftAppPassword is required with MicrosoftAppId")
        if self.app_type != "MultiTenant" and not self.app_tenant_id:
            raise ValueError(f"MicrosoftAppTenantId is required for MicrosoftAppType={self.app_type}")
        return self

    def municipality_list(self) -> list[Municipality]:
        """MUNICIPALITIES with each one's display form."""
        return parse_municipalities(self.municipalities)

    @property
    def local_mode(self) -> bool:
        """No app id: the bot accepts unauthenticated traffic and must stay on this machine."""
        return not self.app_id

    @property
    def storage_backend(self) -> Literal["redis", "sqlite"]:
        return "redis" if self.redis_url else "sqlite"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SettingsError(Exception):
    """Raised with one readable line per invalid setting."""


def load_settings(**overrides: object) -> Settings:
    """Read and validate settings; turn pydantic's report into one line per bad value."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"]) or "settings"
            lines.append(f"  {where}: {error['msg']}")
        raise SettingsError("Invalid settings:\n" + "\n".join(lines)) from None
