"""Demo data of 智能辅助: the laws the demo catalogue cites (``data/laws/``, copies from
LawRefBook/Laws with their source lines) and the catalogue → article links."""

from pathlib import Path

from . import services

LAWS = Path(__file__).resolve().parent / "data" / "laws"


def load(ctx):
    services.import_laws([LAWS])
    services.build_catalog_links()
