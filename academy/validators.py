"""Validators shared by every app."""

from django.core.validators import RegexValidator

# A case-management reference, never a child's name, address or date of birth (data
# minimisation). `\Z` rather than `$`: Python's `$` also matches before a trailing newline;
# PostgreSQL and Django's SQLite REGEXP (Python's `re`) both read `\Z` as end of string.
CASE_REFERENCE = r"[A-Z0-9/-]{3,20}"
CASE_REFERENCE_PATTERN = rf"^{CASE_REFERENCE}\Z"
CASE_REFERENCE_MESSAGE = (
    "A case reference is the case-management system's reference: 3 to 20 upper-case "
    "letters, digits, '-' or '/'. Never a child's name."
)
CASE_REFERENCE_HELP = "The case-management reference only: no names, addresses or dates of birth."

case_reference_validator = RegexValidator(CASE_REFERENCE_PATTERN, CASE_REFERENCE_MESSAGE)
