"""Moderation workflows: every change goes through here, validated and in a transaction.

Views check who may ask (moderation/access.py); these functions keep the rules
whoever calls them (a view, the demo, a test) and refuse with the rule's ID and a plain
message: a `ValidationError` whose code is the rule ID.

panels.py
* set_up_panel / change_panel      MOD-PANEL, MOD-SUBMIT (the deadline; a move recorded)
* deadline_changes                 MOD-SUBMIT: what moving the meeting makes late or on time
* close_panel                      MOD-DECISION (every portfolio decided)
submissions.py
* due_list / due_for_panel / enter_for_panel  MOD-POINTS (due_list: plain values, for lists)
* accept_late / submit_portfolio   MOD-SUBMIT, MOD-ANON (the frozen, anonymised snapshot)
allocation.py
* allocate_automatically / allocate_to / set_moderators           MOD-ALLOCATE
* record_form                      MOD-CHECKLIST, MOD-FAIL-FULL
decisions.py
* record_decision / sign_off_decision   MOD-DECISION, NAT-OUTCOME, MOD-FORM
* when_decidable                   when a decision can be recorded, if not now
* authorise_progression            PROGRESSION
documents.py
* build_external_sample            MOD-EXTERNAL
* render_* / request_submission_pdf   the PDFs and the ZIP, run as background tasks
* request_panel_pdfs               every missing PDF of a panel, in the background
_common.py holds what they share: refuse, the clock, locking a submission, _enqueue.

Callers use the package: `from moderation import services; services.record_decision(...)`.
A test that patches a name must patch it in the submodule that looks it up.

The `at` arguments date a step in the past: the demo builds a panel that met months ago.
Views never pass them.
"""

from moderation.services._common import CHAIRS, is_chair, manages, refuse
from moderation.services.allocation import (
    FORM_FIELDS,
    allocate_automatically,
    allocate_to,
    record_form,
    set_moderators,
    unallocate,
)
from moderation.services.decisions import (
    authorise_progression,
    outcome_for,
    record_decision,
    sign_off_decision,
    when_decidable,
)
from moderation.services.documents import (
    build_external_sample,
    record_forms,
    render_external_sample,
    render_progression_pdf,
    render_record_pdf,
    render_submission_pdf,
    request_panel_pdfs,
    request_submission_pdf,
)
from moderation.services.panels import (
    DeadlineChange,
    Seat,
    change_panel,
    close_panel,
    deadline_changes,
    missing_seats,
    set_up_panel,
)
from moderation.services.submissions import (
    Due,
    accept_late,
    due_enrolments,
    due_for_panel,
    due_list,
    enter_for_panel,
    submit_portfolio,
)

__all__ = [
    "CHAIRS",
    "DeadlineChange",
    "Due",
    "FORM_FIELDS",
    "Seat",
    "accept_late",
    "allocate_automatically",
    "allocate_to",
    "authorise_progression",
    "build_external_sample",
    "change_panel",
    "close_panel",
    "deadline_changes",
    "due_enrolments",
    "due_for_panel",
    "due_list",
    "enter_for_panel",
    "is_chair",
    "manages",
    "missing_seats",
    "outcome_for",
    "record_decision",
    "record_form",
    "record_forms",
    "refuse",
    "render_external_sample",
    "render_progression_pdf",
    "render_record_pdf",
    "render_submission_pdf",
    "request_panel_pdfs",
    "request_submission_pdf",
    "set_moderators",
    "set_up_panel",
    "sign_off_decision",
    "submit_portfolio",
    "unallocate",
    "when_decidable",
]
