"""Declarative, versioned clearance rules (``domain/data/rules.toml`` by default).

Why a table: which documents a cargo needs, which channel means what and which
check stops a truck are customs policy that changes by circular, not by
release. The table names *when* a rule applies (a closed vocabulary of trip
conditions), *which* check runs (a closed set of checks below), the effect of a
failure and its reason code. Every decision records the table's ``version``,
so an officer or an auditor can tell which policy opened a barrier.

Loading validates everything (unknown check, condition, effect or reason code
is a :class:`RulesError` naming the rule), so a typo never silently disables
a rule.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from domain.hours import GATE_TZ, HoursExtension, gate_is_open
from domain.matching import MatchParams
from domain.reasons import all_codes
from domain.reference import Gate
from domain.trips import Channel, DocumentKind, TripFacts

Effect = Literal["manual", "inspect", "flag"]
EFFECTS: tuple[Effect, ...] = ("manual", "inspect", "flag")


class RulesError(ValueError):
    """The rule table is malformed; the message names the offending rule."""


@dataclass(frozen=True, slots=True)
class Context:
    """What a check may look at besides the trip."""

    gate: Gate
    now: datetime
    extensions: Sequence[HoursExtension] = ()
    tz: tzinfo = GATE_TZ

    @property
    def today(self) -> Any:
        return self.now.astimezone(self.tz).date()


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    code: str
    effect: Effect


# --- conditions (the "when" vocabulary) --------------------------------------------------

def _chapters(trip: TripFacts) -> set[str]:
    return {line.hs_code.replace(".", "")[:2] for line in trip.cargo}


def _headings(trip: TripFacts) -> set[str]:
    return {line.hs_code.replace(".", "")[:4] for line in trip.cargo}


_CONDITIONS: dict[str, Callable[[TripFacts, Any], bool]] = {
    "hs_chapters": lambda t, v: bool(_chapters(t) & set(v)),
    "hs_headings": lambda t, v: bool(_headings(t) & set(v)),
    "direction": lambda t, v: str(t.direction) in v,
    "vehicle_country": lambda t, v: t.vehicle_country in v,
    "perishable": lambda t, v: t.perishable == bool(v),
    "preferential_claim": lambda t, v: any(c.preferential_claim for c in t.cargo) == bool(v),
}

# --- checks: return None (passes), "fail" or "expired" ----------------------------------

Check = Callable[[TripFacts, Context, Mapping[str, Any]], str | None]


def _declaration(trip: TripFacts, ctx: Context, p: Mapping[str, Any]) -> str | None:
    return None if trip.declaration_no and trip.channel is not None else "fail"


def _channel(trip: TripFacts, ctx: Context, p: Mapping[str, Any]) -> str | None:
    return "fail" if trip.channel == Channel(p["channel"]) else None


def _document(trip: TripFacts, ctx: Context, p: Mapping[str, Any]) -> str | None:
    docs = [d for d in trip.documents if d.kind == DocumentKind(p["kind"]) and d.number.strip()]
    if not docs:
        return "fail"
    return None if any(d.valid_on(ctx.today) for d in docs) else "expired"


def _fee_paid(trip: TripFacts, ctx: Context, p: Mapping[str, Any]) -> str | None:
    return None if trip.fee_paid else "fail"


def _transit_gate(trip: TripFacts, ctx: Context, p: Mapping[str, Any]) -> str | None:
    return None if ctx.gate.transit_allowed else "fail"


def _gate_hours(trip: TripFacts, ctx: Context, p: Mapping[str, Any]) -> str | None:
    open_ = gate_is_open(gate=ctx.gate, at=ctx.now, extensions=ctx.extensions, tz=ctx.tz)
    return None if open_ else "fail"


def _always(trip: TripFacts, ctx: Context, p: Mapping[str, Any]) -> str | None:
    return "fail"


CHECKS: dict[str, tuple[Check, frozenset[str]]] = {
    "declaration": (_declaration, frozenset()),
    "channel": (_channel, frozenset({"channel"})),
    "document": (_document, frozenset({"kind"})),
    "fee_paid": (_fee_paid, frozenset()),
    "transit_gate": (_transit_gate, frozenset()),
    "gate_hours": (_gate_hours, frozenset()),
    "always": (_always, frozenset()),
}


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    check: str
    effect: Effect
    reason: str
    reason_expired: str | None = None
    when: Mapping[str, Any] = field(default_factory=dict)
    params: Mapping[str, Any] = field(default_factory=dict)

    def applies(self, trip: TripFacts) -> bool:
        return all(_CONDITIONS[k](trip, v) for k, v in self.when.items())

    def evaluate(self, trip: TripFacts, ctx: Context) -> Finding | None:
        if not self.applies(trip):
            return None
        return self.run_check(trip, ctx)

    def run_check(self, trip: TripFacts, ctx: Context) -> Finding | None:
        """The check alone, for a trip already known to meet :attr:`when`."""
        result = CHECKS[self.check][0](trip, ctx, self.params)
        if result is None:
            return None
        code = self.reason_expired if result == "expired" and self.reason_expired else self.reason
        return Finding(self.id, code, self.effect)


#: Trips whose applicable rules a rule set remembers (a day at a busy gate, then it starts over).
_APPLICABLE_MAX = 20_000


@dataclass(frozen=True, slots=True)
class RuleSet:
    version: str
    matching: MatchParams
    rules: tuple[Rule, ...]
    #: Trip -> the rules whose conditions it meets. Conditions read only the (frozen) trip,
    #: and the central decides many reads against the same ``TripFacts`` objects (its
    #: candidate index), so they are worked out once per trip object, not once per read.
    #: Keyed by ``id`` (a trip holds a dict: not hashable) next to the object itself, so an
    #: id is never taken for another trip's while it is remembered.
    _applicable: dict[int, tuple[TripFacts, tuple[Rule, ...]]] = field(
        default_factory=dict, init=False, compare=False, repr=False)

    def evaluate(self, trip: TripFacts, ctx: Context) -> tuple[Finding, ...]:
        """All findings for ``trip``, in table order (deterministic)."""
        known = self._applicable.get(id(trip))
        if known is None or known[0] is not trip:
            if len(self._applicable) >= _APPLICABLE_MAX:
                self._applicable.clear()
            known = (trip, tuple(r for r in self.rules if r.applies(trip)))
            self._applicable[id(trip)] = known
        found = (r.run_check(trip, ctx) for r in known[1])
        return tuple(f for f in found if f is not None)


def _rule(raw: Mapping[str, Any], codes: set[str]) -> Rule:
    rid = str(raw.get("id", "?"))
    try:
        check, effect, reason = raw["check"], raw["effect"], raw["reason"]
    except KeyError as exc:
        raise RulesError(f"rule {rid!r}: missing {exc.args[0]!r}") from None
    if check not in CHECKS:
        raise RulesError(f"rule {rid!r}: unknown check {check!r}")
    if effect not in EFFECTS:
        raise RulesError(f"rule {rid!r}: unknown effect {effect!r}")
    when, params = dict(raw.get("when", {})), dict(raw.get("params", {}))
    if unknown := set(when) - set(_CONDITIONS):
        raise RulesError(f"rule {rid!r}: unknown conditions {sorted(unknown)}")
    if missing := CHECKS[check][1] - set(params):
        raise RulesError(f"rule {rid!r}: check {check!r} needs params {sorted(missing)}")
    try:
        if "kind" in params:
            DocumentKind(params["kind"])
        if "channel" in params:
            Channel(params["channel"])
    except ValueError as exc:
        raise RulesError(f"rule {rid!r}: {exc}") from None
    expired = raw.get("reason_expired")
    for code in (reason, expired):
        if code is not None and code not in codes:
            raise RulesError(f"rule {rid!r}: reason code {code!r} is not in domain.reasons")
    return Rule(rid, check, effect, reason, expired, when, params)


def parse_rules(text: str) -> RuleSet:
    """Parse and validate a rule table (TOML text)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"rule table is not valid TOML: {exc}") from None
    version = raw.get("version")
    if not isinstance(version, str) or not version:
        raise RulesError("rule table has no version string")
    m = dict(raw.get("matching", {}))
    grace = timedelta(minutes=float(m.pop("window_grace_minutes", 120)))
    try:
        params = MatchParams(**m, window_grace=grace)
    except (TypeError, ValueError) as exc:
        raise RulesError(f"[matching]: {exc}") from None
    codes = set(all_codes())
    rules = tuple(_rule(r, codes) for r in raw.get("rules", []))
    ids = [r.id for r in rules]
    if len(ids) != len(set(ids)):
        raise RulesError("rule ids must be unique")
    return RuleSet(version, params, rules)


def load_rules(path: Path | None = None) -> RuleSet:
    """Load the rule table at ``path``, or the packaged default."""
    if path is None:
        return default_rules()
    return parse_rules(Path(path).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    text = resources.files("domain").joinpath("data/rules.toml").read_text(encoding="utf-8")
    return parse_rules(text)
