"""What 案卷评查 and 网上巡查 (``sanxiang.patrol``) have in common: a supervisor agency's
round draws a reproducible sample, scores each sampled entry against a versioned checklist
and sends 整改通知 that the evaluated agency answers with a 整改报告.

``models`` (abstract bases), ``services`` (permissions, scoring, the notice's state
machine, summaries), ``views``, ``forms`` and ``serializers`` are written once here; each
app keeps its own tables, URLs, ledger event types and texts and plugs them in. The
module lives in ``evaluation`` because ``patrol`` already builds on it (its grades and the
agencies it may patrol); nothing here imports ``patrol``.
"""
