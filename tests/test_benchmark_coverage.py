"""The benchmark covers every page (issue 17): each URL pattern is measured or says why not."""

from benchmarks import run


def test_every_url_pattern_is_in_the_benchmark_or_listed_as_post_only():
    listed = {page.name for page in run.PAGES} | set(run.POST_ONLY)
    # The admin's lists are generated from the registry (run.admin_pages).
    missing = [n for n in run.url_patterns() if n not in listed and not n.startswith("admin:")]
    assert missing == []


def test_every_benchmarked_name_is_a_url_pattern():
    patterns = set(run.url_patterns())
    assert [page.name for page in run.PAGES if page.name not in patterns] == []
