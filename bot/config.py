"""Settings from the environment and an optional ``.env`` file (pydantic-settings).

A missing or malformed setting stops start-up with one line that names it and says how to fix it.
Secrets are ``SecretStr``: their repr is ``'**********'``, so printing settings leaks nothing.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Plan = Literal["starter", "business", "growth", "enterprise", "unlimited"]

# Telegram's rule for a webhook's secret_token; the health routes share the webhook's server.
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_RESERVED_PATHS = frozenset({"/healthz", "/readyz"})

_HINTS: dict[str, str] = {
    "TELEGRAM_BOT_TOKEN": "the token @BotFather gave you, like 123456:ABC-DEF",
    "DEEPVUE_CLIENT_ID": "your Deepvue client id (needed when DEEPVUE_BASE_URL is set)",
    "DEEPVUE_CLIENT_SECRET": "your Deepvue client secret (needed when DEEPVUE_BASE_URL is set)",
    "ADMIN_IDS": "comma-separated numeric Telegram user ids, like 11111,22222",
    "DATABASE_URL": "sqlite:///data/seeding-bot.db or postgresql://user@host/db",
    "BOT_MODE": "polling or webhook",
    "WEBHOOK_PATH": "a path like /telegram",
    "METRICS_PORT": "a TCP port for the Prometheus endpoint, like 9108 (0 turns it off)",
    "HA_CHECK_INTERVAL_S": "seconds between leadership checks, 0.05 to 5",
    "BOT_WORKERS": "how many worker processes handle updates, 1 to 16 (one per core)",
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    telegram_bot_token: SecretStr | None = None
    # python-telegram-bot's base_url form; the token is appended. A self-hosted Bot API server
    # or the fake one used by tests and the demo goes here.
    telegram_base_url: str = "https://api.telegram.org/bot"

    deepvue_base_url: str | None = None  # unset: the built-in sandbox, in-process
    deepvue_client_id: str | None = None
    deepvue_client_secret: SecretStr | None = None
    deepvue_captcha: bool = True  # off for accounts whose generate-otp needs no captcha
    deepvue_plan: Plan | None = None  # pacing; default: starter for the vendor, off for sandbox

    database_url: str = "sqlite:///data/seeding-bot.db"

    sandbox_captcha_text: str | None = None
    sandbox_latency_ms: Annotated[int, Field(ge=0, le=60_000)] = 0
    # `python -m bot sandbox` refuses with 429 what the vendor would on this plan.
    sandbox_plan: Plan = "unlimited"

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    admin_ids: Annotated[tuple[int, ...], NoDecode] = ()

    # Who runs this bot and how to complain: named in the consent notices and /privacy.
    # Required with a real vendor; unset with the sandbox, each language says "a test operator".
    operator_name: str | None = None
    grievance_contact: str | None = None
    check_log_retention_days: Annotated[int, Field(ge=1)] = 180
    consent_retention_days: Annotated[int, Field(ge=1)] = 2555  # seven years: proof of consent

    daily_otp_requests: Annotated[int, Field(ge=1, le=100)] = 5
    # Field agents: checks per agent per day (IST), how long an invite link works, and how
    # often the retention sweep runs.
    agent_daily_checks: Annotated[int, Field(ge=1, le=10_000)] = 200
    invite_valid_hours: Annotated[int, Field(ge=1, le=24 * 30)] = 48
    sweep_interval_minutes: Annotated[int, Field(ge=1, le=24 * 60)] = 60
    max_concurrent_updates: Annotated[int, Field(ge=1, le=1024)] = 32
    # The typing indicator goes out only once a vendor call has kept the user waiting this long.
    # Most calls answer sooner, and then the indicator would cost a Bot API call (about as much
    # of our CPU as a message) for nothing the user could see: the answer is already on its way.
    typing_delay_s: Annotated[float, Field(ge=0, le=60)] = 0.3
    # Telegram's broadcast limit is about 30 messages a second; 0 turns our limiter off
    # (for a local Bot API server, the fake one, or a bot with paid broadcasts).
    telegram_sends_per_second: Annotated[int, Field(ge=0)] = 30

    # How long the vendor client waits to connect and for an answer, in seconds.
    deepvue_connect_timeout_s: Annotated[float, Field(gt=0, le=120)] = 5.0
    deepvue_read_timeout_s: Annotated[float, Field(gt=0, le=300)] = 20.0
    # Circuit breaker: after this many vendor calls in a row find it unavailable or silent, stop
    # calling it for VENDOR_BREAKER_OPEN_S seconds and tell users at once when to come back.
    vendor_breaker_failures: Annotated[int, Field(ge=1, le=1000)] = 5
    vendor_breaker_open_s: Annotated[int, Field(ge=1, le=3600)] = 60

    # How updates arrive: long polling (default), or a webhook that Telegram posts to.
    bot_mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None  # the public HTTPS URL Telegram posts to
    webhook_secret: SecretStr | None = None  # Telegram sends it back in a header; required
    webhook_listen: str = "127.0.0.1"  # behind a TLS-terminating proxy; 0.0.0.0 in a container
    webhook_port: Annotated[int, Field(ge=0, le=65535)] = 8443
    webhook_path: str = "/telegram"

    # Prometheus metrics on http://METRICS_HOST:METRICS_PORT/metrics; 0 (the default) is off.
    metrics_port: Annotated[int, Field(ge=0, le=65535)] = 0
    metrics_host: str = "127.0.0.1"
    # High availability (PostgreSQL only): how often a standby tries for leadership and the
    # leader checks it still holds it. A standby takes over within this plus its start-up.
    ha_check_interval_s: Annotated[float, Field(ge=0.05, le=5)] = 2.0
    # Worker processes per instance (bot/runtime/workers.py): one Python process uses one core, so
    # a machine with N cores serves about N times the checks with N workers. 1: no workers,
    # everything in this one process.
    bot_workers: Annotated[int, Field(ge=1, le=16)] = 1
    # The weekly digest to every admin (bot/operator/digest.py): on, from this hour (IST) on
    # Mondays.
    weekly_digest: bool = True
    weekly_digest_hour: Annotated[int, Field(ge=0, le=23)] = 8

    # The waiting room (bot/capacity/waiting_room.py): a citizen called for their turn who sends no
    # number within this many seconds loses it; assisted checks go ahead of self-service ones;
    # how often the line is looked at (0: never by itself; for tests that move a fake clock).
    waiting_room_no_show_s: Annotated[int, Field(ge=30, le=3600)] = 180
    waiting_room_assisted_first: bool = True
    waiting_room_tick_s: Annotated[float, Field(ge=0, le=5)] = 0.5

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(int(part) for part in value.replace(" ", "").split(",") if part)
        return value

    @field_validator("operator_name", "grievance_contact", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("bot_mode", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("webhook_path")
    @classmethod
    def _webhook_path(cls, value: str) -> str:
        if not re.fullmatch(r"/[A-Za-z0-9_\-/.]*", value) or value in _RESERVED_PATHS:
            raise ValueError("must start with / and not be /healthz or /readyz")
        return value

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if not value.startswith(("sqlite:///", "postgresql://", "postgres://")):
            raise ValueError("must start with sqlite:/// or postgresql://")
        return value

    @model_validator(mode="after")
    def _vendor_credentials(self) -> Settings:
        if self.deepvue_base_url:
            if not self.deepvue_client_id:
                raise ValueError("DEEPVUE_CLIENT_ID is required when DEEPVUE_BASE_URL is set")
            if self.deepvue_client_secret is None:
                raise ValueError("DEEPVUE_CLIENT_SECRET is required when DEEPVUE_BASE_URL is set")
        return self

    @model_validator(mode="after")
    def _operator_identity(self) -> Settings:
        """With real data, the notices must name who runs the bot and how to complain (DPDP
        Act s.5): start-up stops here, before any connection is made."""
        if not self.deepvue_base_url:
            return self
        missing = [
            name
            for name, value in (
                ("OPERATOR_NAME", self.operator_name),
                ("GRIEVANCE_CONTACT", self.grievance_contact),
            )
            if value is None
        ]
        if missing:
            raise ValueError(
                f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} required when "
                "DEEPVUE_BASE_URL is set: the consent notice names who runs the bot and how to "
                'complain (e.g. OPERATOR_NAME="Example Bank Ltd." '
                'GRIEVANCE_CONTACT="grievance@example.in, 1800-000-0000")'
            )
        return self

    @model_validator(mode="after")
    def _webhook(self) -> Settings:
        if self.bot_mode != "webhook":
            return self
        if not self.webhook_url or not self.webhook_url.startswith("https://"):
            raise ValueError("WEBHOOK_URL (an https:// URL) is required when BOT_MODE=webhook")
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        if not _WEBHOOK_SECRET.fullmatch(secret):
            raise ValueError(
                "WEBHOOK_SECRET is required when BOT_MODE=webhook: 1-256 characters of "
                "A-Z, a-z, 0-9, _ and -"
            )
        return self

    @model_validator(mode="after")
    def _workers_share_the_plan(self) -> Settings:
        """Each worker paces its vendor calls to its share of the plan (bot/runtime/workers.py); a
        limit smaller than the number of workers cannot be shared that way."""
        if self.bot_workers == 1:
            return self
        from bot.vendor.config import plan_limits  # a plain table; keeps settings light

        limits = plan_limits(self.effective_plan)
        smallest = min((n for n in (limits.per_second, limits.per_minute) if n), default=None)
        if smallest is not None and smallest < self.bot_workers:
            raise ValueError(
                f"BOT_WORKERS={self.bot_workers} cannot share the {self.effective_plan} plan "
                f"({limits.per_second} vendor call(s) a second): use BOT_WORKERS=1, which "
                "serves that plan many times over"
            )
        return self

    @property
    def uses_sandbox(self) -> bool:
        return not self.deepvue_base_url

    @property
    def uses_postgres(self) -> bool:
        """PostgreSQL store: several instances may share it (leader election,
        bot/runtime/leader.py)."""
        return self.database_url.startswith(("postgresql://", "postgres://"))

    @property
    def effective_plan(self) -> Plan:
        if self.deepvue_plan is not None:
            return self.deepvue_plan
        return "unlimited" if self.uses_sandbox else "starter"


class SettingsError(Exception):
    """Raised with a one-line, human explanation of the first bad setting."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> str:
    """One line naming the setting and how to fix it. Never echoes the value (it may be secret)."""
    error = exc.errors(include_input=False)[0]
    loc = [str(part) for part in error.get("loc", ()) if part != "__root__"]
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    if not loc:
        return f"Invalid configuration: {message}. Fix it in the environment or in .env."
    name = loc[0].upper()
    hint = _HINTS.get(name)
    fix = f" Expected {hint}." if hint else ""
    return f"Invalid setting {name}: {message}.{fix} Set it in the environment or in .env."
