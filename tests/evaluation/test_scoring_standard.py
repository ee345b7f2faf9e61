"""评查标准: the checklist's points and the grade thresholds."""

import pytest

from sanxiang.evaluation import checklist


def test_checklist_points_sum_to_100():
    for version, items in checklist.CHECKLISTS.items():
        assert sum(i.points for i in items) == 100, version
        assert len({i.code for i in items}) == len(items)


@pytest.mark.parametrize(
    "score,grade",
    [
        (100, "excellent"),
        (90, "excellent"),
        (89, "pass"),
        (75, "pass"),
        (74, "basic"),
        (60, "basic"),
        (59, "fail"),
        (0, "fail"),
    ],
)
def test_grade_thresholds_at_the_boundaries(score, grade):
    assert checklist.grade_for(score) == grade
