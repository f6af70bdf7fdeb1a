"""Bench-only URL conf: the app's URLs plus a bare view rendering a 100-row table, the baseline the
dashboard is measured against under the same gunicorn and middleware. Not part of the app's URLs."""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

TABLE = engines["django"].from_string(
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>基准</title></head><body>'
    "<table><thead><tr><th>序号</th><th>学校</th><th>乡镇</th><th>数值</th></tr></thead><tbody>"
    "{% for n, name, township, value in rows %}<tr><td>{{ n }}</td><td>{{ name }}</td><td>{{ township }}</td>"
    "<td>{{ value }}</td></tr>{% endfor %}</tbody></table></body></html>"
)
ROWS = [(i, f"第{i}小学", f"第{i % 10}镇", round(i * 3.14159, 2)) for i in range(100)]


def table(request):
    return HttpResponse(TABLE.render({"rows": ROWS}, request))


urlpatterns = [
    path("__bench__/table/", table),
    path("", include("balance_inspect.urls")),
]
