"""What an app offers in the navigation bar.

Each app's AppConfig has a `menu(user)` method returning MenuItems for the signed-in user
(who sees an entry is that app's own access policy); the top layer's context processor
asks every installed app in INSTALLED_APPS order. The pages check access again.

Likewise `enrolment_links(user, enrolment)` returns RecordLinks to that app's records of
one enrolment (the enrolment page asks every app, so the spine imports no feature).
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    # The entry is the current page for any URL of this app namespace (or this one URL).
    app_name: str = ""

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    def is_current(self, match) -> bool:
        if match is None:
            return False
        if self.app_name:
            return match.app_name == self.app_name
        return match.view_name == self.url_name


@dataclass(frozen=True)
class RecordLink:
    """A link to one app's records of one person, offered only when the viewer may open it."""

    label: str
    url: str


def enrolment_links(user, enrolment) -> list[RecordLink]:
    """Every installed app's links to `enrolment`'s records, in INSTALLED_APPS order."""
    from django.apps import apps

    links = []
    for config in apps.get_app_configs():
        offer = getattr(config, "enrolment_links", None)
        if offer is not None:
            links.extend(offer(user, enrolment))
    return links
