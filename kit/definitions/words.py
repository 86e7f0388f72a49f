"""The fixed words of a codebook (question types, personal kinds, quality reasons, roles),
without pydantic: :mod:`kit.questionnaire` and the loaders need them, and loading an export
should not have to build the configuration models (:mod:`kit.definitions.questionnaire`
validates against these same tuples)."""

from __future__ import annotations

__all__ = ["QUESTION_TYPES", "PERSONAL_KINDS", "QUALITY_REASONS", "ROLES", "DEFAULT_EXCLUDE"]

QUESTION_TYPES = ("single", "multi", "matrix", "scale", "text", "ranking", "yesno", "number",
                  "date", "cascade")
PERSONAL_KINDS = ("phone", "id_card", "name", "nickname", "email", "ip", "coordinates",
                  "respondent_id", "enumerator", "device", "supervisor", "address")
QUALITY_REASONS = ("duplicate_id", "duplicate_phone", "duplicate_answers", "shared_ip",
                   "speeder", "straight_lining", "out_of_range", "missing_required",
                   "pair_mismatch", "incomplete_row", "row_length", "duplicate_serial")
ROLES = ("group", "overall", "respondent_id", "profile")  # profile: 样本基本情况 (kit.descriptives)
DEFAULT_EXCLUDE = ("duplicate_id", "duplicate_phone", "speeder")
