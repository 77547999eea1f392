"""Send one rendered form twice, as a double click or the back button does (issue 15 item 4)."""

import re

from academy.forms import ALREADY_SAVED, FORM_TOKEN

TOKEN = re.compile(rf'name="{FORM_TOKEN}" value="([0-9a-f-]+)"')


def token_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    found = TOKEN.search(response.text)
    assert found, f"no {FORM_TOKEN} on {url}"
    return found.group(1)


def post_twice(client, url, data):
    """The first and the second response to the same POST of the form rendered at `url`."""
    data = {**data, FORM_TOKEN: token_of(client, url)}
    first = client.post(url, data)
    second = client.post(url, data, follow=True)
    assert first.status_code == 302, getattr(first, "text", "")[:2000]
    assert second.redirect_chain and second.redirect_chain[0][0] == first["Location"]
    assert ALREADY_SAVED in second.text
    return first, second
