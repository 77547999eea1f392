"""The documents moderation produces, rendered by WeasyPrint as assessment's portfolio is.

Everything goes through `assessment.pdf`: its StaticFilesOnly fetcher (nothing is fetched
from outside the app's static files), its print CSS and its content hash. Every document
here is a function of stored rows only (never of the day it is rendered), so the same rows
always give the same bytes and the same hash.

* the anonymised portfolio a moderator reads (MOD-ANON): the frozen snapshot behind a cover
  that carries the code;
* the moderation form added to the NQSW's portfolio (MOD-FORM);
* the pay progression authorisation (PROGRESSION);
* the external sample (MOD-EXTERNAL): a ZIP of anonymised PDFs and a manifest.
"""

import csv
import hashlib
import io
import json
import zipfile

from django.template.loader import render_to_string

from assessment import pdf as portfolio_pdf
from moderation.anonymise import SNAPSHOT_SECTIONS

PRINT_CSS = portfolio_pdf.PRINT_CSS
content_hash = portfolio_pdf.content_hash
render_document = portfolio_pdf.render_document
write_pdf = portfolio_pdf.write_pdf

# A fixed timestamp for every ZIP entry, so an unchanged sample gives the same bytes.
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


def submission_document(submission) -> str:
    """The print document of a submitted portfolio: the code, never the name."""
    return render_to_string(
        "moderation/submission_print.html",
        {
            "submission": submission,
            "panel": submission.panel,
            "facts": submission.snapshot,
            "sections": SNAPSHOT_SECTIONS,
            "print_css": PRINT_CSS,
        },
    )


def record_document(record, forms, decisions) -> str:
    """The moderation form added to the NQSW's portfolio (MOD-FORM).

    `forms`: the completed moderators' forms; `decisions`: every version up to the one the
    record is for, oldest first.
    """
    submission = record.submission
    return render_to_string(
        "moderation/record_print.html",
        {
            "record": record,
            "submission": submission,
            "panel": submission.panel,
            "enrolment": record.enrolment,
            "forms": forms,
            "decision": record.decision,
            "earlier": [d for d in decisions if d.version < record.decision.version],
            "print_css": PRINT_CSS,
        },
    )


def progression_document(authorisation) -> str:
    return render_to_string(
        "moderation/progression_print.html",
        {
            "authorisation": authorisation,
            "enrolment": authorisation.enrolment,
            "decision": authorisation.decision,
            "panel": authorisation.decision.submission.panel,
            "print_css": PRINT_CSS,
        },
    )


# --- The external sample ----------------------------------------------------------------------

MANIFEST_FIELDS = [
    "code",
    "panel",
    "panel_date",
    "service",
    "assessor_recommendation",
    "fail_pathway",
    "submitted_on",
    "late",
    "panel_decision",
    "decision_signed_off_on",
    "file",
    "sha256",
]


def manifest_row(submission, decision, file_name: str, body: bytes) -> dict:
    """One line of the manifest: what the external panel needs, and no name or id."""
    return {
        "code": submission.code,
        "panel": submission.panel.get_kind_display(),
        "panel_date": submission.panel.held_on.isoformat(),
        "service": submission.snapshot.get("service", ""),
        "assessor_recommendation": submission.recommendation.upper() or "none",
        "fail_pathway": "yes" if submission.fail_pathway else "no",
        "submitted_on": submission.submitted_at.date().isoformat(),
        "late": "yes" if submission.late else "no",
        "panel_decision": decision.verdict_short if decision else "not yet decided",
        "decision_signed_off_on": decision.signed_off_at.date().isoformat()
        if decision and decision.signed_off_at
        else "",
        "file": file_name,
        "sha256": hashlib.sha256(body).hexdigest(),
    }


def _entry(archive: zipfile.ZipFile, name: str, body: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, body)


def sample_zip(sample, entries) -> bytes:
    """The ZIP for the external panel: `entries` are (submission, decision, pdf bytes).

    The PDFs are named by code; the manifest comes as CSV (for people) and JSON (for
    systems), with a SHA-256 of each PDF so the receiver can check nothing changed.
    """
    rows = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for submission, decision, body in sorted(entries, key=lambda e: e[0].code):
            name = submission.pdf_name
            _entry(archive, name, body)
            rows.append(manifest_row(submission, decision, name, body))
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=MANIFEST_FIELDS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        _entry(archive, "manifest.csv", text.getvalue().encode("utf-8"))
        manifest = {
            "title": sample.title,
            "exported_by": "ASYE Academy",
            "rules": "MOD-EXTERNAL, MOD-ANON",
            "portfolios": rows,
        }
        _entry(archive, "manifest.json", json.dumps(manifest, indent=2).encode("utf-8"))
    return buffer.getvalue()
