"""Which links may stand as a knowledge-base source: https, an official host, a specific page.

The allow-list is kept here only (kb/README.md and the writers' guide describe the same list):
answers must be traceable to the authority that publishes the rule, and a homepage does not show
where the rule is written.
"""

from __future__ import annotations

from typing import Tuple
from urllib.parse import urlparse

# A source's host must be one of these domains or a subdomain of one (e.g. www.biznes.gov.pl).
ALLOWED_DOMAINS: Tuple[str, ...] = ("gov.pl", "europa.eu", "zus.pl", "nbp.pl", "bgk.pl")
# Path segments that only select the site's language: "/pl", "/en/" are still a homepage.
LANGUAGE_SEGMENTS = frozenset({"pl", "en", "uk", "ua", "ru", "de"})


def host_of(link: str) -> str:
    return (urlparse(link).hostname or "").lower()


def is_well_formed(link: str) -> bool:
    parsed = urlparse(link)
    return parsed.scheme == "https" and "." in parsed.netloc and " " not in link


def is_allowed_host(link: str) -> bool:
    """True for https links whose host is an allow-listed official domain or its subdomain."""
    host = host_of(link)
    return any(host == domain or host.endswith("." + domain) for domain in ALLOWED_DOMAINS)


def is_homepage(link: str) -> bool:
    """A site's front page: no path, only a language, or a www.gov.pl institution's start page."""
    parsed = urlparse(link)
    segments = [segment for segment in parsed.path.split("/") if segment]
    if parsed.query:
        return False
    if not segments or (len(segments) == 1 and segments[0].lower() in LANGUAGE_SEGMENTS):
        return True
    # www.gov.pl/web/<institution> is the institution's homepage on the common government portal
    return host_of(link) in ("www.gov.pl", "gov.pl") and len(segments) == 2 and segments[0] == "web"
