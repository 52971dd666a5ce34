"""The check's steps as one table: step x event -> next step.

Every step change of a check is a row here: handlers/ name the event (``Turn.go``) and the table
gives the step, so code and table cannot disagree; docs/flow.md's diagram is drawn from the same
rows (bot/check/diagram.py). Ends of a check are rows to :data:`ENDED`, with the outcomes the
check log may record for them. :data:`ON_INPUT` is the other table: what each step does with
input it did not ask for.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.check.outcomes import VENDOR_ERRORS, Outcome
from bot.check.state import Step


class Pseudo(StrEnum):
    """Diagram nodes that are not stored steps."""

    NONE = "[*]"  # no check open
    WHOSE = "WHOSE"  # the two buttons of an agent's or admin's /start (handlers/assisted.py)
    ENDED = "ENDED"  # the check is over: flow row deleted, outcome logged (Turn.end_check)


Node = Step | Pseudo
NONE, WHOSE, ENDED = Pseudo.NONE, Pseudo.WHOSE, Pseudo.ENDED


class Event(StrEnum):
    # starting a check (no check open)
    START = "start"  # a citizen's /start
    STAFF_START = "staff_start"
    BUDGET_SPENT = "budget_spent"
    OWN_CHECK = "own_check"
    ASSIST = "assist"
    AGENT_CAP = "agent_cap"
    CHECK_AGAIN = "check_again"
    NEXT_CUSTOMER = "next_customer"
    # consent
    LANGUAGE_PICKED = "language_picked"
    TOGGLE_ENGLISH = "toggle_english"
    AGREE = "agree"
    DECLINE = "decline"
    # the waiting room
    LINE_BUSY = "line_busy"
    WAIT_INPUT = "wait_input"
    TURN = "turn"
    NO_SHOW = "no_show"
    REJOIN = "rejoin"
    LINE_GONE = "line_gone"
    LEAVE_LINE = "leave_line"
    # the number, the captcha, the OTP
    INVALID_NUMBER = "invalid_number"
    VALID_NUMBER = "valid_number"
    DAILY_CAP = "daily_cap"
    NEW_PICTURE = "new_picture"
    NUMBER_LOST = "number_lost"
    NUMBER_REJECTED = "number_rejected"
    OTP_SENT = "otp_sent"
    CAPTCHA_GIVEN_UP = "captcha_given_up"
    OTP_RETRY = "otp_retry"
    RESEND = "resend"
    RESULT = "result"
    OTP_GIVEN_UP = "otp_given_up"
    # after the end
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Transition:
    source: Node
    event: Event
    target: Node
    label: str  # the diagram's words for it
    outcomes: frozenset[Outcome] = frozenset()  # for a row to ENDED: what the log records


def _row(
    source: Node, event: Event, target: Node, label: str, *outcomes: Outcome
) -> Transition:
    return Transition(source, event, target, label, frozenset(outcomes))


L, C, W, A, P, T = Step.LANGUAGE, Step.CONSENT, Step.WAITING, Step.AADHAAR, Step.CAPTCHA, Step.OTP

#: The machine, in diagram order.
TABLE: tuple[Transition, ...] = (
    _row(NONE, Event.START, L, "/start (citizen)"),
    _row(NONE, Event.STAFF_START, WHOSE, "/start (agent or admin, handlers/assisted.py)"),
    _row(WHOSE, Event.OWN_CHECK, L, "Check my own number"),
    _row(WHOSE, Event.ASSIST, L, "Check for a customer (mode ASSISTED, agent_id set)"),
    _row(WHOSE, Event.AGENT_CAP, NONE, "agent's daily cap reached (reset time shown)"),
    _row(
        NONE,
        Event.BUDGET_SPENT,
        NONE,
        "the vendor plan's daily budget is spent - told when checks resume (handlers/waiting.py)",
    ),
    _row(L, Event.LANGUAGE_PICKED, C, "language picked (handlers/language.py)"),
    _row(C, Event.TOGGLE_ENGLISH, C, '"Read in English" / back (in place)'),
    _row(
        C,
        Event.DECLINE,
        ENDED,
        "No / Customer declined - recorded as declined, alternatives named",
        Outcome.DECLINED,
    ),
    _row(C, Event.AGREE, A, "I agree / agent attests - consent recorded (handlers/consent.py)"),
    _row(
        A,
        Event.LINE_BUSY,
        W,
        "right after I agree, the plan is busy - place and estimate shown (handlers/waiting.py)",
    ),
    _row(
        W,
        Event.WAIT_INPUT,
        W,
        "number typed (deleted, kept in memory) / the line moves (message edited)",
    ),
    _row(W, Event.TURN, A, "their turn - the kept number goes on at once, else it is asked for"),
    _row(W, Event.REJOIN, W, "Join the line again (after a missed turn), at the back"),
    _row(W, Event.LINE_GONE, A, "Join the line again, but there is no line any more"),
    _row(W, Event.LEAVE_LINE, ENDED, "Leave the line / /cancel", Outcome.LEFT_LINE),
    _row(A, Event.NO_SHOW, W, "called, and no answer in 3 minutes - the turn passes"),
    _row(A, Event.INVALID_NUMBER, A, "invalid number (deleted, reason given, no vendor call)"),
    _row(A, Event.VALID_NUMBER, P, "valid - initiate-session, captcha photo (handlers/aadhaar.py)"),
    _row(A, Event.OTP_SENT, T, "valid, captcha step switched off - generate-otp"),
    _row(
        A,
        Event.NUMBER_REJECTED,
        A,
        "UIDAI rejects the number / the vendor fails before the captcha (number dropped)",
    ),
    _row(
        A,
        Event.DAILY_CAP,
        ENDED,
        "daily OTP cap reached (reset time shown, not for assisted checks)",
        Outcome.DAILY_CAP,
    ),
    _row(
        A,
        Event.CAPTCHA_GIVEN_UP,
        ENDED,
        "mobile not linked / generate-otp fails (captcha step switched off)",
        Outcome.MOBILE_NOT_LINKED,
        *VENDOR_ERRORS,
        Outcome.INVALID_CAPTCHA,
        Outcome.SESSION_EXPIRED,
    ),
    _row(
        P,
        Event.NEW_PICTURE,
        P,
        "wrong captcha (fresh picture) / New picture / session expired"
        " / vendor down (retry, up to 3)",
    ),
    _row(P, Event.VALID_NUMBER, P, "a 12-digit number: the number typed again (a new picture)"),
    _row(P, Event.NUMBER_LOST, A, "number lost in a restart"),
    _row(
        P,
        Event.DAILY_CAP,
        ENDED,
        "the number typed again, and the daily OTP cap is reached",
        Outcome.DAILY_CAP,
    ),
    _row(P, Event.NUMBER_REJECTED, A, "UIDAI rejects the number"),
    _row(P, Event.OTP_SENT, T, "generate-otp succeeded; number dropped (handlers/otp.py)"),
    _row(
        P,
        Event.CAPTCHA_GIVEN_UP,
        ENDED,
        "3 wrong captchas / mobile not linked / vendor down 3 times",
        Outcome.CAPTCHA_FAILED,
        Outcome.MOBILE_NOT_LINKED,
        Outcome.SESSION_EXPIRED,
        Outcome.INVALID_AADHAAR,
        *VENDOR_ERRORS,
    ),
    _row(T, Event.OTP_RETRY, T, "wrong OTP (up to 3) / bad format / vendor busy (OTP still valid)"),
    _row(T, Event.RESEND, A, "Resend OTP (after 60 s, at most 2) - type the number again"),
    _row(
        T,
        Event.RESULT,
        ENDED,
        "result card (handlers/result.py)",
        Outcome.ACTIVE,
        Outcome.INACTIVE,
        Outcome.NOT_SEEDED,
        Outcome.OTHER,
    ),
    _row(
        T,
        Event.OTP_GIVEN_UP,
        ENDED,
        "3 wrong OTPs / OTP expired (10 min)",
        Outcome.OTP_FAILED,
        Outcome.OTP_EXPIRED,
        Outcome.MOBILE_NOT_LINKED,
        *VENDOR_ERRORS,
    ),
    _row(ENDED, Event.CLOSED, NONE, "flow row deleted, check logged (turn.end_check)"),
    _row(ENDED, Event.CHECK_AGAIN, L, "Check another number (self-service)"),
    _row(ENDED, Event.NEXT_CUSTOMER, L, "Next customer (assisted - a clean flow row at once)"),
)

#: Ends possible at every step (docs/flow.md's note): /cancel, /forget, a new /start, idling.
ANYWHERE_ENDS = frozenset({Outcome.CANCELLED, Outcome.EXPIRED})

#: Diagram notes: (node, text lines).
NOTES: tuple[tuple[Node, tuple[str, ...]], ...] = (
    (
        WHOSE,
        (
            "Assisted (an agent checks a customer in person): the agent picks the",
            "customer's language; the notice, prompts and result card are in it.",
            "The instruction, the attestation buttons and Next customer are in",
            "the agent's language (handlers/agent_view.py).",
        ),
    ),
    (
        T,
        (
            "From any step: /cancel and /forget end the check;",
            "/language, /help and /privacy keep it;",
            "30 minutes without an answer expire it.",
        ),
    ),
)


class NoTransition(LookupError):
    """The table has no row for this event at this step: a bug in the caller."""


_NEXT: dict[tuple[Node, Event], Node] = {(t.source, t.event): t.target for t in TABLE}
if len(_NEXT) != len(TABLE):  # pragma: no cover - caught by the unit tests first
    raise AssertionError("two rows for one (step, event)")


def next_step(step: Step, event: Event) -> Step:
    """The step a check at ``step`` goes to on ``event`` (never the end: see ``end_outcomes``)."""
    target = _NEXT.get((step, event))
    if not isinstance(target, Step):
        raise NoTransition(f"{step.name} has no {event.value} to a step")
    return target


def first_step(event: Event) -> Step:
    """The step a new check opens at, on an event of no open check (``/start``, a button)."""
    for source in (NONE, WHOSE, ENDED):
        target = _NEXT.get((source, event))
        if isinstance(target, Step):
            return target
    raise NoTransition(f"{event.value} opens no check")


def may_end(step: Step, outcome: Outcome) -> bool:
    """Whether the table lets a check at ``step`` end with ``outcome``."""
    if outcome in ANYWHERE_ENDS:
        return True
    return any(
        t.source == step and t.target == ENDED and outcome in t.outcomes for t in TABLE
    )


# ---------------------------------------------------------------- input the step did not ask for
class Input(StrEnum):
    TEXT = "text"  # text that is no Aadhaar number
    NUMBER = "number"  # text (or a caption, a file name) that looks like an Aadhaar number
    MEDIA = "media"  # a sticker, photo, voice note, document without a number


class Reaction(StrEnum):
    HINT = "hint"  # say the step's hint
    STEP = "step"  # the step's own handler reads it (the number, the captcha, the OTP)
    DELETE = "delete"  # delete it (it may show a number or an OTP), then say why
    NUMBER_AGAIN = "number_again"  # a number at the captcha: the number typed again


@dataclass(frozen=True, slots=True)
class Answer:
    reaction: Reaction
    key: str = ""  # DELETE: what is said once the message is gone
    kept: str = ""  # DELETE: what is said when it could not be deleted (with a plea to)


#: The step's hint: its question, said again (handlers/prompts.py).
HINTS: dict[Step, str] = {
    Step.LANGUAGE: "hint-language",
    Step.CONSENT: "hint-consent",
    Step.WAITING: "waiting-hint",
    Step.AADHAAR: "hint-aadhaar",
    Step.CAPTCHA: "hint-captcha",
    Step.OTP: "hint-otp",
}

_HINT, _STEP = Answer(Reaction.HINT), Answer(Reaction.STEP)
_CARD = Answer(Reaction.DELETE, "hint-aadhaar-media", "hint-aadhaar")  # a photo may show the card

#: What each step does with each kind of input (docs/flow.md's second table); HINT otherwise.
ON_INPUT: dict[Step, dict[Input, Answer]] = {
    L: {Input.NUMBER: Answer(Reaction.DELETE, "number-outside-check", HINTS[L])},
    C: {Input.NUMBER: Answer(Reaction.DELETE, "hint-consent-number", "hint-consent")},
    W: {Input.TEXT: _STEP, Input.NUMBER: _STEP, Input.MEDIA: _CARD},
    A: {Input.TEXT: _STEP, Input.NUMBER: _STEP, Input.MEDIA: _CARD},
    P: {Input.TEXT: _STEP, Input.NUMBER: Answer(Reaction.NUMBER_AGAIN)},
    T: {
        Input.TEXT: _STEP,
        Input.NUMBER: _STEP,
        Input.MEDIA: Answer(Reaction.DELETE, "hint-otp", "hint-otp"),  # may show the SMS
    },
}

#: Steps at which an edited message is deleted whatever it holds (it may be the number or OTP).
DELETE_EDITS = frozenset({W, A, T})


def on_input(step: Step, kind: Input) -> Answer:
    return ON_INPUT[step].get(kind, _HINT)
