"""The state machine of a case: the stages each act type goes through, in order.

A case moves forward one stage at a time (``next_stage``); skipping a stage is refused.
Backward moves exist only where the law provides them (a decision ordered redone goes
back to ``decision``); any active stage may end in ``terminated`` (不予立案、撤销案件).

| act type | stages |
|---|---|
| penalty_general, coercion, levy | opening → investigation → decision → service → execution → closing → archived |
| penalty_simple | decision (on the spot) → service (handed over) → execution → closing → archived |
| inspection | opening → investigation → decision (result) → closing → archived |
| licensing, confirmation, reward, other | opening → investigation (审查) → decision → service → closing → archived |
"""

from sanxiang.core.fields import CaseActType

from .models import Stage

OPN, INV, D, S, E, C, A = (
    Stage.OPENING,
    Stage.INVESTIGATION,
    Stage.DECISION,
    Stage.SERVICE,
    Stage.EXECUTION,
    Stage.CLOSING,
    Stage.ARCHIVED,
)

FLOWS = {
    CaseActType.PENALTY_GENERAL: (OPN, INV, D, S, E, C, A),
    CaseActType.PENALTY_SIMPLE: (D, S, E, C, A),
    CaseActType.COERCION: (OPN, INV, D, S, E, C, A),
    CaseActType.LEVY: (OPN, INV, D, S, E, C, A),
    CaseActType.INSPECTION: (OPN, INV, D, C, A),
    CaseActType.LICENSING: (OPN, INV, D, S, C, A),
    CaseActType.CONFIRMATION: (OPN, INV, D, S, C, A),
    CaseActType.REWARD: (OPN, INV, D, S, C, A),
    CaseActType.OTHER: (OPN, INV, D, S, C, A),
}

# Act types whose investigation/inspection needs two certified officers (行政处罚法 第四十二条,
# 行政强制法 第十八条, inspection per the issue).
TWO_OFFICER_ACT_TYPES = {
    CaseActType.PENALTY_GENERAL,
    CaseActType.PENALTY_SIMPLE,
    CaseActType.COERCION,
    CaseActType.INSPECTION,
}
# Act types that need a catalogue power (the legal basis of the act).
POWER_REQUIRED = {CaseActType.PENALTY_GENERAL, CaseActType.PENALTY_SIMPLE, CaseActType.COERCION}


def flow(act_type):
    return FLOWS[act_type]


def has_stage(act_type, stage):
    return stage in FLOWS[act_type]


def next_stage(act_type, stage):
    stages = FLOWS[act_type]
    if stage not in stages:
        return None
    i = stages.index(stage)
    return stages[i + 1] if i + 1 < len(stages) else None


def stage_progress(act_type, stage):
    """[(stage, label, state)] with state in done/current/todo, for the page's stepper."""
    stages = FLOWS[act_type]
    current = stages.index(stage) if stage in stages else len(stages)
    rows = []
    for i, s in enumerate(stages):
        state = "done" if i < current else ("current" if i == current else "todo")
        if stage == Stage.ARCHIVED and s == Stage.ARCHIVED:
            state = "done"
        rows.append((s, Stage(s).label, state))
    return rows
