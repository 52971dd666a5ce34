"""Settings from the environment and an optional ``.env`` file (pydantic-settings).

A missing or malformed setting stops start-up with one line that names it and says how to fix it.
Secrets are ``SecretStr``: their repr is ``'**********'``, so printing settings leaks nothing.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Plan = Literal["starter", "business", "growth", "enterprise", "unlimited"]

_HINTS: dict[str, str] = {
    "TELEGRAM_BOT_TOKEN": "the token @BotFather gave you, like 123456:ABC-DEF",
    "DEEPVUE_CLIENT_ID": "your Deepvue client id (needed when DEEPVUE_BASE_URL is set)",
    "DEEPVUE_CLIENT_SECRET": "your Deepvue client secret (needed when DEEPVUE_BASE_URL is set)",
    "ADMIN_IDS": "comma-separated numeric Telegram user ids, like 11111,22222",
    "DATABASE_URL": "sqlite:///data/seeding-bot.db or postgresql://user@host/db",
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

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    admin_ids: Annotated[tuple[int, ...], NoDecode] = ()

    # Who runs this bot: named in the consent notice.
    operator_name: str = "the operator of this bot"
    grievance_contact: str = "the operator's grievance officer"
    check_log_retention_days: Annotated[int, Field(ge=1)] = 180
    consent_retention_days: Annotated[int, Field(ge=1)] = 2555  # seven years: proof of consent

    daily_otp_requests: Annotated[int, Field(ge=1, le=100)] = 5
    max_concurrent_updates: Annotated[int, Field(ge=1, le=1024)] = 32
    # Telegram's broadcast limit is about 30 messages a second; 0 turns our limiter off
    # (for a local Bot API server, the fake one, or a bot with paid broadcasts).
    telegram_sends_per_second: Annotated[int, Field(ge=0)] = 30

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

    @property
    def uses_sandbox(self) -> bool:
        return not self.deepvue_base_url

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
