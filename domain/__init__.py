"""The product's vocabulary, free of Django: one home for every rule and constant that more than
one app (or an engine and an app) needs — stages, school types, class bands, teacher kinds,
evaluation schemes — and the one number formatter (``domain.numbers``).

Engines (``indicators/engine``, retention, workforce and survey arithmetic) and Django apps both
import from here; nothing here imports Django or any app, which import-linter checks.
"""
