from django import template

register = template.Library()


@register.filter
def pct(value) -> str:
    """0.9731 → 97.31%; None (an undefined rate) → 无法计算."""
    if value is None or value == "":
        return "无法计算"
    return f"{float(value) * 100:.2f}%"
