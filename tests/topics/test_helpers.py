"""plugins/german/lemmas.py and the related-documents computation."""

from german import lemmas
from topics import related


def test_tokenize_keeps_hyphenated_words_and_hashtags():
    assert lemmas.tokenize("Das Social-Media-Team postet #Vertrauen (5G-Netz), z. B. heute!") == [
        "Das", "Social-Media-Team", "postet", "#Vertrauen", "G-Netz", "z", "B", "heute"]
    assert lemmas.tokenize_with_marks("echt, schnell.") == ["echt", ",", "schnell", "."]


def test_lemma_is_cached_per_form():
    assert lemmas.lemma("Kunden") == "Kunde"
    size = lemmas.cache_size()
    assert lemmas.lemma("Kunden") == "Kunde" and lemmas.cache_size() == size
    assert lemmas.is_known("kunden") and not lemmas.is_known("ing")


def test_split_helpers():
    assert lemmas.split_hyphens("Social-Media-Team") == ["Social", "Media", "Team"]
    assert lemmas.split_camel("SocialMedia") == ["Social", "Media"]
    assert lemmas.split_camel("kundenvertrauen") == ["kundenvertrauen"]


def test_related_prefers_shared_weight_then_rank():
    # ranked newest first; weights: 2 = editor tag or clear topic, 1 = automatic.
    weights = [
        {"vertrauen": 2, "stoerung": 1},   # 0
        {"vertrauen": 2},                  # 1: shares 2 with 0
        {"stoerung": 1},                   # 2: shares 1 with 0
        {"vertrauen": 1, "stoerung": 1},   # 3: shares 1 + 1 = 2 with 0
        {"datenschutz": 2},                # 4: shares nothing
    ]
    result = related.related(list(range(5)), weights, limit=5)
    assert result[0] == [1, 3, 2]
    assert result[4] == []
    assert result[2] == [0, 3]
    assert related.related(list(range(5)), weights, limit=1)[0] == [1]


def test_related_matches_pairwise_comparison_on_many_documents():
    import random

    rnd = random.Random(7)
    topics = [f"t{i}" for i in range(15)]
    weights = [{t: rnd.choice((1, 2)) for t in rnd.sample(topics, rnd.randint(1, 5))} for _ in range(300)]
    first = related.related(list(range(300)), weights, 5)

    def shared(a, b):
        return sum(min(a[t], b[t]) for t in a.keys() & b.keys())

    for i in (0, 17, 299):
        expected = sorted((j for j in range(300) if j != i and shared(weights[i], weights[j])),
                          key=lambda j: (-shared(weights[i], weights[j]), j))[:5]
        assert first[i] == expected
    assert all(i not in chosen and len(chosen) <= 5 for i, chosen in enumerate(first))
