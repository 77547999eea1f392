"""The portfolio PDF's speed against WeasyPrint's own "odyssey" sample, in one run (issue 17).

    .venv/bin/python benchmarks/pdf.py [--rounds 3] [--keep-base FILE] [--check]

* `odyssey.html` is the sample of the public WeasyPerf benchmark repository (Kozea/WeasyPerf,
  samples/odyssey, BSD 3-Clause: LICENSE-WeasyPerf beside it), rendered as WeasyPerf does:
  HTML to PDF bytes. It is rendered a second time with the collector paused, as the app
  renders, for a like-for-like ratio (printed, not checked).
* The portfolios are every current ASYE portfolio of the demo academy (`seed_demo`), as
  `assessment.pdf.write_pdf` renders them for download: from their print HTML to PDF bytes
  (building the HTML from the database is timed apart, it is not WeasyPrint's work); the
  pages are counted once, outside the timing.
* Rounds are interleaved and the median is kept; pages per second is pages / seconds.

`--check` exits 1 when the portfolios render fewer pages per second than the odyssey.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.run import setup_django  # noqa: E402

ODYSSEY = HERE / "pdf" / "odyssey.html"


def render(html: str) -> tuple[int, float]:
    """The odyssey as WeasyPerf renders it: pages, and seconds from HTML to PDF bytes."""
    from weasyprint import HTML

    started = time.perf_counter()
    document = HTML(string=html).render()
    document.write_pdf()
    return len(document.pages), time.perf_counter() - started


def render_paused(html: str) -> tuple[int, float]:
    """The same with the collector paused, as the app renders (like for like)."""
    from assessment.pdf import collector_paused

    with collector_paused():
        return render(html)


def download(html: str) -> float:
    """Seconds for a portfolio's PDF bytes, by the app's own path (`assessment.pdf`)."""
    from assessment.pdf import write_pdf

    started = time.perf_counter()
    write_pdf(html)
    return time.perf_counter() - started


def portfolios() -> list[tuple[str, str, float]]:
    """(who, print HTML, seconds to build it) for each current ASYE portfolio of the demo."""
    from assessment.pdf import portfolio_html
    from cohorts.models import Enrolment

    found = []
    for enrolment in (
        Enrolment.objects.current()
        .filter(kind=Enrolment.Kind.ASYE, asye_start__isnull=False)
        .select_related("person")
        .order_by("person__full_name")
    ):
        started = time.perf_counter()
        html = portfolio_html(enrolment)
        found.append((enrolment.person.full_name, html, time.perf_counter() - started))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep-base", default=None, help="keep (or reuse) the seeded base")
    parser.add_argument("--check", action="store_true", help="exit 1 when the goal is missed")
    args = parser.parse_args()

    databases = setup_django(args.keep_base)
    databases.setup_base()
    from assessment.pdf import render_document

    odyssey = ODYSSEY.read_text(encoding="us-ascii")
    documents = portfolios()
    pages = sum(len(render_document(html).pages) for _who, html, _built in documents)
    odyssey_runs, paused_runs, portfolio_runs = [], [], []
    for _ in range(args.rounds):
        odyssey_runs.append(render(odyssey))
        paused_runs.append(render_paused(odyssey))
        portfolio_runs.append((pages, sum(download(html) for _who, html, _built in documents)))

    def rate(runs) -> tuple[int, float, float]:
        pages = runs[0][0]
        seconds = statistics.median(took for _, took in runs)
        return int(pages), seconds, pages / seconds

    o_pages, o_seconds, o_rate = rate(odyssey_runs)
    _, c_seconds, c_rate = rate(paused_runs)
    p_pages, p_seconds, p_rate = rate(portfolio_runs)
    built = sum(b for _, _, b in documents)
    print(f"median of {args.rounds} interleaved rounds, HTML to PDF bytes")
    print("| document | pages | seconds | pages/s |")
    print("|---|---:|---:|---:|")
    print(f"| WeasyPerf odyssey | {o_pages} | {o_seconds:.1f} | {o_rate:.1f} |")
    print(f"| the odyssey, collector paused | {o_pages} | {c_seconds:.1f} | {c_rate:.1f} |")
    print(
        f"| the demo's {len(documents)} portfolios | {p_pages} | {p_seconds:.1f} | {p_rate:.1f} |"
    )
    print(f"portfolios / odyssey: {p_rate / o_rate:.2f}x (goal: at least 1.00x)")
    print(f"portfolios / the odyssey with the collector paused too: {p_rate / c_rate:.2f}x")
    print(f"building their print HTML from the database: {built:.1f} s in all")
    databases.drop()
    if args.check and p_rate < o_rate:
        print("MISSED: the portfolios render fewer pages per second than the odyssey")
        sys.exit(1)


if __name__ == "__main__":
    main()
