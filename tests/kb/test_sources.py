"""Every source in kb/ is an https link to a specific page on an allow-listed official domain."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kb_import.sources import ALLOWED_DOMAINS, is_allowed_host, is_homepage, is_well_formed

ROOT = Path(__file__).resolve().parents[2]


def _project_sources():
    for path in sorted((ROOT / "kb").glob("*.yml")):
        document = yaml.safe_load(path.read_text("utf-8")) or {}
        for entry in document.get("entries") or []:
            for link in entry.get("sources") or []:
                yield f"{path.name}:{entry.get('id')}", str(link)
        for figure in document.get("figures") or []:
            for value in figure.get("values") or []:
                yield f"{path.name}:{figure.get('name')}", str(value.get("source"))


def test_every_project_source_is_https_official_and_specific() -> None:
    sources = list(_project_sources())
    assert len(sources) > 100
    bad = [
        f"{where}: {link}"
        for where, link in sources
        if not is_well_formed(link) or not is_allowed_host(link) or is_homepage(link)
    ]
    assert not bad, "sources must be specific https pages on official domains:\n" + "\n".join(bad)


@pytest.mark.parametrize(
    "link, allowed, homepage",
    [
        ("https://www.biznes.gov.pl/pl/portal/00113", True, False),
        ("https://www.biznes.gov.pl/pl", True, True),
        ("https://www.zus.pl/", True, True),
        ("https://bip.zus.pl/web/guest/-/jak-wypelnic", True, False),
        ("https://www.gov.pl/web/kas", True, True),
        ("https://www.gov.pl/web/rodzina/minimalne-wynagrodzenie-za-prace", True, False),
        ("https://isap.sejm.gov.pl/isap.nsf/DocDetails.xsp?id=WDU19740240141", True, False),
        ("https://ec.europa.eu/taxation_customs/vies/", True, False),
        ("https://www.bgk.pl/", True, True),
        ("https://evilgov.pl/pl/portal/1", False, False),
        ("https://gov.pl.example.com/strona", False, False),
        ("https://www.infor.pl/prawo/zus.html", False, False),
    ],
)
def test_allow_list_and_homepage_rules(link: str, allowed: bool, homepage: bool) -> None:
    assert is_allowed_host(link) is allowed
    assert is_homepage(link) is homepage


def test_the_documented_allow_list_matches_the_code() -> None:
    readme = (ROOT / "kb" / "README.md").read_text("utf-8")
    for domain in ALLOWED_DOMAINS:
        assert f"`{domain}`" in readme, f"kb/README.md does not list the allowed domain {domain}"
