import pytest

from tests.factories import UserFactory


@pytest.fixture
def staff_client(client, db):
    """A Django test client logged in as a superuser (full admin access)."""
    user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client
