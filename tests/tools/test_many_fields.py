"""A query string Django refuses to read (too many parameters) gives a tool its plain page, not an error."""

from http import HTTPStatus

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/sites/", "/sites/compare/", "/apply/planner/", "/apply/international-graduates/check/", "/search/"]
)
def test_thousands_of_parameters_give_the_plain_page(client, path):
    plain = client.get(path)
    response = client.get(path + "?" + "&".join(["x=1"] * 2001))
    assert response.status_code == HTTPStatus.OK
    assert response.content == plain.content
