"""{{ result|verdict_text }} → 达标 / 未达标 / 未完成; ``verdict_css`` ok / bad / warn;
``missing_labels`` the Chinese names of the county items an incomplete verdict lacks.
Each takes a result document or a stored ``passed`` (True / False / None)."""

from django import template

from indicators import verdict

register = template.Library()

register.filter("verdict_text", verdict.verdict_text)
register.filter("verdict_css", verdict.verdict_css)
register.filter("verdict_key", verdict.verdict_key)
register.filter("missing_labels", verdict.missing_labels)
