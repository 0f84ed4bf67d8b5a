from speed.lists import IdentityList


class Doc:
    pass


def test_identity_list_answers_like_a_list():
    a, b, c = Doc(), Doc(), Doc()
    items = IdentityList([a, b])
    assert a in items and b in items and c not in items
    items.append(c)
    assert c in items
    items.remove(a)
    assert a not in items and items == [b, c]
    items.insert(0, a)
    del items[1]
    assert b not in items and list(items) == [a, c]
    items += [b]
    assert b in items and isinstance(items, list)
    items.clear()
    assert a not in items and len(items) == 0
