"""Legal-review rules: 2 review overdue or extended twice, 12 reviewer on the case team,
13 reviewers below 5 % of the officers."""

from __future__ import annotations

from .base import Finding, Rule, case_link, ids_of, link, setting


class ReviewOverdue(Rule):
    number = 2
    code = "review_overdue"
    title = "法制审核超期或两次以上延期"
    basis = (
        "指导意见：法制审核机构原则上在10个工作日内完成审核，特殊情况经机关负责人批准"
        "可以适当延长；本平台法制审核期限（法制审核模块）。"
    )
    severity = "medium"
    description = "未办结的审核已过（延长后的）审核期限，或审核期限已获批延长两次以上。"

    def find(self, agency_scope, today):
        from django.db.models import Count, Q

        from sanxiang.review.models import ExtensionStatus, Review

        qs = (
            Review.objects.filter(agency_id__in=ids_of(agency_scope))
            .select_related("case")
            .annotate(
                approved=Count("extensions", filter=Q(extensions__status=ExtensionStatus.APPROVED))
            )
        )
        for review in qs.order_by("id"):
            problems = []
            due = review.effective_deadline
            if review.is_open and due is not None and today > due:
                problems.append(f"审核期限 {due.isoformat()} 已过，尚未出具审核意见")
            if review.approved >= 2:
                problems.append(f"审核期限已延长 {review.approved} 次")
            if not problems:
                continue
            label = f"{review.case.number or review.case.title} 第{review.version}次送审"
            yield Finding(
                review.agency_id,
                f"review:{review.pk}",
                label,
                "；".join(problems) + "。",
                links=[link(label, "review:detail", review.pk), case_link(review.case)],
            )


class ReviewerOnCaseTeam(Rule):
    number = 12
    code = "reviewer_on_team"
    title = "法制审核人员同时是本案承办人员"
    basis = "指导意见“办、审、定”分离：法制审核人员不得审核本人承办的案件。"
    severity = "high"
    description = "审核人员的执法人员身份在该案件的办案人员中。"

    def find(self, agency_scope, today):
        from sanxiang.cases.models import CaseHandler
        from sanxiang.review.models import Review

        qs = Review.objects.filter(
            agency_id__in=ids_of(agency_scope), reviewer__isnull=False
        ).select_related("case", "reviewer")
        for review in qs.order_by("id"):
            on_team = CaseHandler.objects.filter(
                case_id=review.case_id, officer__user_id=review.reviewer_id
            ).exists()
            if not on_team:
                continue
            label = f"{review.case.number or review.case.title} 第{review.version}次送审"
            yield Finding(
                review.agency_id,
                f"review:{review.pk}",
                label,
                f"审核人员 {review.reviewer.display_name} 是本案的办案人员。",
                links=[link(label, "review:detail", review.pk), case_link(review.case)],
            )


class FewReviewers(Rule):
    number = 13
    code = "few_reviewers"
    title = "法制审核人员不足执法人员的5%"
    basis = "指导意见：原则上各级行政执法机关的法制审核人员不少于本单位执法人员总数的5%。"
    severity = "medium"
    description = "本机关在岗法制审核人员（账号）少于在岗执法人员的5%（比例可设置）。"

    def find(self, agency_scope, today):
        from sanxiang.org.models import AgencyKind, Officer, Role, User

        ratio = setting("SANXIANG_ALERT_REVIEWER_PERCENT", 5)
        for agency in agency_scope:
            if agency.kind != AgencyKind.ENFORCEMENT:
                continue
            officers = Officer.objects.filter(agency=agency, is_active=True).count()
            if officers == 0:
                continue
            reviewers = User.objects.filter(
                agency=agency, role=Role.REVIEWER, is_active=True
            ).count()
            if reviewers * 100 >= ratio * officers:
                continue
            yield Finding(
                agency.pk,
                f"agency:{agency.pk}",
                agency.name,
                f"在岗执法人员 {officers} 人，法制审核人员 {reviewers} 人，低于 {ratio}%。",
                links=[link(agency.name, "org:agency", agency.pk)],
            )
