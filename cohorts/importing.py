"""Importing the starters CSV (import_people). Being written: see the helper brief."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        return f"row {self.row}, column {self.column}: {self.message}"


class ImportRejected(Exception):
    def __init__(self, errors):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def import_people_csv(text, *, today=None):
    raise NotImplementedError
