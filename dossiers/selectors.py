from accounts.access import get_scoped_or_404, require_role, scope
from accounts.models import Role
from dossiers.models import Dossier

READER_ROLES = (Role.ADMIN, Role.BUREAU, Role.INSPECTOR)
_SCOPE = {"county": "county", "township": None, "school": None}


def dossiers_visible_to(user):
    """Bureau staff and inspectors of the county; township officials and reporters: refused."""
    require_role(user, *READER_ROLES)
    return scope(user, Dossier.objects.select_related("county", "requested_by"), **_SCOPE)


def get_dossier_for_user(user, pk: int, *, write: bool = False) -> Dossier:
    require_role(user, *((Role.ADMIN, Role.BUREAU) if write else READER_ROLES))
    return get_scoped_or_404(user, Dossier.objects.select_related("county"), scope_kwargs=_SCOPE, pk=pk)
