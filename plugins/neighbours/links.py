"""Sets `newer_article` and `older_article` on each published article.

Done once over the sorted list (O(n)) instead of searching the article list
in every article template (O(n²) with thousands of articles).
"""


def link_neighbours(generator):
    ordered = sorted(generator.articles, key=lambda a: (a.date, a.source_path))
    for index, article in enumerate(ordered):
        article.older_article = ordered[index - 1] if index > 0 else None
        article.newer_article = ordered[index + 1] if index + 1 < len(ordered) else None
