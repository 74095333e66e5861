import pytest

from bandung_iso.roles import Role
from tests.factories import RoleUserFactory


@pytest.fixture
def importer(client, roles):
    """A client logged in as programme staff (Staf Pemkot, username "staf"): who imports the agency list."""
    client.force_login(RoleUserFactory(username="staf", role=Role.STAFF))
    return client
