def test_the_fixtures_are_loaded(intercom, switchboard):
    ada = intercom.contacts.find(switchboard.ids["contacts"]["ada"])
    assert ada.email == "ada@example.com"
    assert [tag.name for tag in intercom.tags.list().data] == ["VIP"]


def test_a_test_may_change_anything(intercom, switchboard):
    intercom.contacts.delete(switchboard.ids["contacts"]["ada"])
    intercom.contacts.create(request={"email": "grace@example.com"})
    assert [c.email for c in intercom.contacts.list()] == ["grace@example.com"]


def test_the_next_test_starts_from_the_fixtures_again(intercom, switchboard):
    assert [c.email for c in intercom.contacts.list()] == ["ada@example.com"]
    conversation = intercom.conversations.find(switchboard.ids["conversations"]["billing"])
    assert "My invoice is wrong." in conversation.source.body


def test_reset_empties_the_workspace(empty_intercom):
    assert list(empty_intercom.contacts.list()) == []
