import pytest

from kotacerdas.core.management.commands.serve import url_for_bind
from kotacerdas.demo.loader import DEMO_PASSWORD, demo_load, demo_logins


@pytest.mark.parametrize(
    ("bind", "url"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000/"),
        ("0.0.0.0:80", "http://127.0.0.1:80/"),
        ("[::]:8080", "http://127.0.0.1:8080/"),
        ("9000", "http://127.0.0.1:9000/"),
        ("unix:/run/kotacerdas.sock", "unix:/run/kotacerdas.sock"),
    ],
)
def test_it_prints_an_address_a_person_can_open(bind, url):
    assert url_for_bind(bind) == url


def test_it_lists_demo_logins_only_when_the_demo_is_loaded(db):
    assert demo_logins() is None
    demo_load()
    password, usernames = demo_logins()
    assert password == DEMO_PASSWORD and "admin" in usernames and "asesor" in usernames


def test_it_never_prints_demo_logins_in_production(db, settings):
    demo_load()
    settings.PRODUCTION = True
    assert demo_logins() is None
