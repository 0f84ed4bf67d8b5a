"""kit.pelican_door.pages_to_write with `holding`: only the list pages that hold an item,
the same pages (names and values) Pelican's pagination gives, orphans included."""

import pytest
from pelican.settings import read_settings

from kit import pelican_door


@pytest.mark.parametrize("orphans", [0, 3])
def test_holding_gives_exactly_the_pages_of_the_whole_pagination_that_list_the_item(orphans):
    settings = read_settings(None, override={"PAGINATED_TEMPLATES": {"tag": 4}, "DEFAULT_ORPHANS": orphans})
    items = [object() for _ in range(15)]
    write = {"name": "themen/x/index.html", "url": "themen/x/", "kwargs": {"articles": items, "dates": items[::-1]},
             "paginated": None, "template_name": "tag"}
    every = pelican_door.pages_to_write(settings, **write)
    assert len(every) == (4 if orphans == 0 else 3)
    for item in items:
        expected = [(name, values["articles_page"].object_list) for name, values in every
                    if any(x is item for key in ("articles_page", "dates_page")
                           for x in values[key].object_list)]
        found = pelican_door.pages_to_write(settings, **write, holding=item)
        assert [(name, values["articles_page"].object_list) for name, values in found] == expected
    assert pelican_door.pages_to_write(settings, **write, holding=object()) == []
