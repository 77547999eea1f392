"""The portfolio as a PDF: WeasyPrint over the same templates as the page, with print CSS.

WeasyPrint would fetch any URL a document names (images, stylesheets) from the network or
the file system. A portfolio holds text its users typed, so the fetcher here serves only
the app's own static files and refuses everything else: nothing leaves the app, and no
file outside the static files is read.
"""

import gc
import hashlib
import mimetypes
import posixpath
import ssl
from contextlib import contextmanager
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from assessment import portfolio as portfolios

# Relative URLs in the document resolve against this made-up origin; only its static
# files are served. `.invalid` can never resolve (RFC 2606).
BASE_URL = "https://portfolio.invalid/"
PRINT_CSS = "css/print.css"


# The fetcher never opens a connection, but WeasyPrint's base class builds an HTTPS handler
# and, given no context, loads the system's certificates for it: about 0.1 s per document.
# One empty context, made once, is all that handler needs.
_UNUSED_TLS_CONTEXT = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def read_static(name: str) -> bytes | None:
    """A static file's bytes. Collected (and hashed) files in production; the finders in
    development and tests."""
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as f:
            return f.read()
    path = finders.find(name)
    if path is None:
        return None
    with open(path, "rb") as f:
        return f.read()


class StaticFilesOnly(URLFetcher):
    """A WeasyPrint URL fetcher that serves the app's static files and refuses the rest."""

    def __init__(self):
        super().__init__(
            allowed_protocols=(),
            allow_redirects=False,
            timeout=1,
            ssl_context=_UNUSED_TLS_CONTEXT,
        )
        self.served: list[str] = []
        self.refused: list[str] = []

    def static_name(self, url: str) -> str | None:
        """The static file `url` names, or None when it names anything else."""
        prefix = urljoin(BASE_URL, settings.STATIC_URL)
        if not url.startswith(prefix):
            return None
        parts = urlsplit(url)
        if parts.query or parts.fragment:
            return None
        name = unquote(url[len(prefix) :])
        normal = posixpath.normpath(name)
        if not name or normal != name or normal.startswith(("/", "..")) or "\\" in name:
            return None
        return name

    def read_static(self, name: str) -> bytes | None:
        return read_static(name)

    def fetch(self, url, headers=None):
        name = self.static_name(url)
        body = self.read_static(name) if name else None
        if body is None:
            self.refused.append(url)
            # WeasyPrint logs this and leaves the resource out; the PDF still renders.
            raise PermissionError(f"The portfolio PDF fetches nothing outside the app: {url}")
        self.served.append(url)
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})


def portfolio_html(enrolment, portfolio=None) -> str:
    """The print document: cover, contents, evidence map, then every record.

    Nothing in it depends on the day it is rendered (the checks are listed without judging
    what is overdue), so an unchanged portfolio gives the same HTML and the same hash.
    """
    portfolio = portfolio or portfolios.load(enrolment)
    return render_to_string(
        "assessment/portfolio_print.html",
        {
            "portfolio": portfolio,
            "enrolment": enrolment,
            "findings": portfolio.findings(None),
            "requirement_rows": portfolio.requirement_rows(None),
            "print": True,
            "print_css": PRINT_CSS,
        },
    )


def content_hash(html: str) -> str:
    """The hash a rendered PDF is stored under: the document and the print CSS it uses."""
    digest = hashlib.sha256(html.encode("utf-8"))
    css = read_static(PRINT_CSS) or b""
    digest.update(css)
    return digest.hexdigest()


@contextmanager
def collector_paused():
    """Python's cyclic garbage collector off for one render.

    WeasyPrint makes hundreds of thousands of small objects for a portfolio (boxes, styles,
    text layouts); the collector walked them over and over as they piled up, a third of a
    portfolio's render time (issue 17). They are freed by reference counting as usual; any
    cycles wait for the next collection after the render.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def render_document(html: str, fetcher: StaticFilesOnly | None = None):
    """WeasyPrint's laid-out document (pages, boxes, bookmarks), before writing bytes."""
    with collector_paused():
        return HTML(
            string=html, base_url=BASE_URL, url_fetcher=fetcher or StaticFilesOnly()
        ).render()


def write_pdf(html: str, fetcher: StaticFilesOnly | None = None) -> bytes:
    """The PDF's bytes: the document laid out and written, the collector paused throughout."""
    with collector_paused():
        return render_document(html, fetcher).write_pdf()
