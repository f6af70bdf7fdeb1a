"""Navigation per role, defined once.

Each app adds its entry here; an entry whose URL name does not resolve (an app not yet
built) is left out instead of breaking every page.
"""

from django.urls import NoReverseMatch, reverse

from accounts.models import Role

ALL = tuple(Role.values)
STAFF = (Role.ADMIN, Role.BUREAU)
READERS = (Role.ADMIN, Role.BUREAU, Role.INSPECTOR)

NAV = (
    ("首页", "home", ALL),
    ("总览", "dashboard:overview", READERS),
    ("学校", "schools:list", ALL),
    ("数据导入", "schools:import_start", (Role.ADMIN, Role.BUREAU, Role.SCHOOL)),
    ("指标评估", "indicators:list", READERS),
    ("师资", "workforce:overview", READERS),
    ("控辍保学", "dropout_control:list", ALL),
    ("整改台账", "rectification:list", READERS),
    ("迎检准备", "rectification:readiness", READERS),
    ("满意度调查", "surveys:list", READERS),
    ("迎检档案", "dossiers:list", READERS),
    ("审计", "accounts:audit", STAFF),
    ("用户", "accounts:users", (Role.ADMIN,)),
)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    path = request.path
    for label, name, roles in NAV:
        if user.role not in roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": False})
    # Only the longest matching entry is active (/schools/import/ is 数据导入, not also 学校).
    matches = [i for i in items if (path == i["url"] if i["url"] == "/" else path.startswith(i["url"]))]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return {"nav_items": items}
