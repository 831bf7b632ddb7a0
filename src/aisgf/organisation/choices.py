"""The organisation's fixed vocabulary: incident reporter types and kinds of filing.

Why enums here and names in `data/`: the words are written into rows, audit payloads, forms and the
API (so they are defined once); what each one means (the deadline, the addressee, the instrument, in
中文 and English) is regulatory content, kept in `data/reporter-types.yaml` and `data/filing-kinds.yaml`,
which are checked to name exactly these words.
"""

from __future__ import annotations

from enum import StrEnum


class ReporterType(StrEnum):
    """Who the organisation is under 国家网络安全事件报告管理办法 Art. 4 (sets the reporting clock)."""

    cii_operator = "cii_operator"   # 关键信息基础设施运营者: 1 hour, protection department + public security
    state_organ = "state_organ"     # 中央和国家机关各部门及其直属单位: 2 hours, its own 网信工作机构
    other = "other"                 # 其他网络运营者: 4 hours, the provincial 网信部门


class FilingKind(StrEnum):
    """Kinds of filing, registration and assessment an organisation holds a number for."""

    algorithm_filing = "algorithm_filing"                       # 算法备案
    generative_ai_filing = "generative_ai_filing"               # 生成式人工智能服务备案
    generative_ai_registration = "generative_ai_registration"   # 生成式人工智能服务登记 (on a filed model, by API)
    deep_synthesis_filing = "deep_synthesis_filing"             # 深度合成服务备案
    security_assessment = "security_assessment"                 # 安全评估
    cross_border_assessment = "cross_border_assessment"         # 数据出境安全评估
    other = "other"


def values(enum: type[StrEnum]) -> list[str]:
    """The accepted words of an enum, in order (for error messages and forms)."""
    return [m.value for m in enum]
