from accounts.access import get_scoped_or_404, require_reader, require_writer, scope
from dossiers.models import Dossier

_SCOPE = {"county": "county", "township": None, "school": None}


def dossiers_visible_to(user):
    """Bureau staff and inspectors of the county; township officials and reporters: refused."""
    require_reader(user)
    return scope(user, Dossier.objects.select_related("county", "requested_by"), **_SCOPE)


def get_dossier_for_user(user, pk: int, *, write: bool = False) -> Dossier:
    (require_writer if write else require_reader)(user)
    return get_scoped_or_404(user, Dossier.objects.select_related("county"), scope_kwargs=_SCOPE, pk=pk)
