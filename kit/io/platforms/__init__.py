"""The readers shipped with the kit, one module per platform; importing this package
registers them (see :mod:`kit.io.registry`). Detection order is each module's ``order``."""

from . import generic, kobo, qualtrics, surveymonkey, tencent, wenjuanwang, wjx  # noqa: F401
