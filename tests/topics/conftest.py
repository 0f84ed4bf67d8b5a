import pytest

from topics import match, taxonomy

SMALL_TAXONOMY = """\
defaults:
  threshold: 2.0
topics:
  - label: Vertrauen
    description: Vertrauen im Service.
    terms: [Vertrauen, vertrauenswürdig, {term: verlässlich, weight: 0.5}]
    parts: [vertrauen]
    negative: [Vertrauensarzt]
  - label: Authentizität
    description: Echte Menschen.
    terms: [authentisch, Authentizität, {term: echt, intensifier: true}, ehrlich]
    parts: [authentizität]
    negative: [ehrlich gesagt]
  - label: Social Media
    description: Soziale Netzwerke.
    terms: [Social Media, soziales Netzwerk, Mastodon, Posting, posten]
  - label: Störung
    description: Ausfälle.
    terms: [Störung, Ausfall]
    parts: [störung, ausfall]
    negative: [Ruhestörung, Haarausfall]
  - label: Vertrag
    description: Verträge.
    terms: [Vertrag, Kündigung]
    parts: [vertrag]
  - label: Erreichbarkeit
    description: Hotline.
    terms: [Hotline, rund um die Uhr]
    threshold: 1.5
"""


@pytest.fixture(scope="session")
def small_taxonomy():
    return taxonomy.parse(SMALL_TAXONOMY, "content/themen.yml")


@pytest.fixture(scope="session")
def matcher(small_taxonomy):
    return match.Matcher(small_taxonomy)
