"""CSV exports that are safe to open in a spreadsheet."""


def csv_cell(value) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection); numbers as they are."""
    if isinstance(value, int):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
