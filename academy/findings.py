"""One finding, as every rule module returns it (caseloads, assessment, supervision).

A rule module is a set of pure functions over plain values returning findings; the pages,
the CSV and JSON outputs and the dashboards read these, so every app's findings look alike.
This is the ground layer: it imports nothing from a feature app.

Severities:

- BREACH: a rule is broken, or a requirement is overdue.
- WARNING: something to act on that breaks no rule yet (a prompt, a requirement still to do).
- NOTE: information only (supervision's "a joint supervision is expected by ...").
"""

from dataclasses import KW_ONLY, asdict, dataclass, field
from datetime import date

BREACH, WARNING, NOTE = "breach", "warning", "note"


@dataclass(frozen=True)
class Finding:
    rule: str  # the rule ID from shared/domain/asye-rules.md, e.g. "CAP-MAX"
    severity: str  # BREACH, WARNING or NOTE
    message: str  # names the rule ID and the numbers, for the reader
    # Keyword-only, so that a date or a case reference can never land in the wrong field.
    _: KW_ONLY
    # The figures behind the message; left out of the hash (a dict has none), so findings
    # can still be collected in a set.
    numbers: dict = field(default_factory=dict, hash=False)
    case_ref: str | None = None  # None for findings about a whole caseload or portfolio
    due: date | None = None  # when the requirement is (or was) due, if it has a date

    @property
    def is_breach(self) -> bool:
        return self.severity == BREACH

    def as_dict(self) -> dict:
        """Plain JSON-ready values: rule, severity, message, numbers, case_ref, and due
        (ISO date) only for a finding that has one, so the caseload audit's output, whose
        findings have no due date, keeps its keys."""
        values = asdict(self)
        if self.due is None:
            del values["due"]
        else:
            values["due"] = self.due.isoformat()
        return values
