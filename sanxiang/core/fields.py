"""Shared vocabularies used by several apps (one name for one thing everywhere)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EnforcementField(models.TextChoices):
    """执法领域 / 执法类别. Certificates, agencies and powers refer to these codes."""

    MARKET = "market", _("市场监管")
    ENVIRONMENT = "environment", _("生态环境")
    URBAN = "urban", _("城市管理")
    TRANSPORT = "transport", _("交通运输")
    AGRICULTURE = "agriculture", _("农业农村")
    CULTURE = "culture", _("文化市场")
    EMERGENCY = "emergency", _("应急管理")
    HEALTH = "health", _("卫生健康")
    NATURAL_RESOURCES = "natural_resources", _("自然资源")
    HOUSING = "housing", _("住房城乡建设")
    OTHER = "other", _("其他")


class ActType(models.TextChoices):
    """行政执法行为类别 — the 8 categories of domain.md."""

    PENALTY = "penalty", _("行政处罚")
    COERCION = "coercion", _("行政强制")
    INSPECTION = "inspection", _("行政检查")
    LEVY = "levy", _("行政征收征用")
    LICENSING = "licensing", _("行政许可")
    CONFIRMATION = "confirmation", _("行政确认")
    REWARD = "reward", _("行政奖励")
    OTHER = "other", _("其他")


class CaseActType(models.TextChoices):
    """Act type of a case (decides its state machine)."""

    PENALTY_GENERAL = "penalty_general", _("行政处罚（一般程序）")
    PENALTY_SIMPLE = "penalty_simple", _("行政处罚（简易程序）")
    COERCION = "coercion", _("行政强制")
    INSPECTION = "inspection", _("行政检查")
    LICENSING = "licensing", _("行政许可")
    LEVY = "levy", _("行政征收征用")
    CONFIRMATION = "confirmation", _("行政确认")
    REWARD = "reward", _("行政奖励")
    OTHER = "other", _("其他")

    @classmethod
    def category(cls, value):
        """The catalogue ActType (8 categories) of a case act type."""
        return {
            cls.PENALTY_GENERAL: ActType.PENALTY,
            cls.PENALTY_SIMPLE: ActType.PENALTY,
        }.get(value, value)


class PartyType(models.TextChoices):
    """当事人类别 (双公示: 法人及非法人组织 / 自然人 / 个体工商户)."""

    NATURAL_PERSON = "natural_person", _("自然人")
    LEGAL_PERSON = "legal_person", _("法人")
    OTHER_ORG = "other_org", _("非法人组织")
    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")


class PenaltyKind(models.TextChoices):
    """行政处罚的种类 (行政处罚法 第九条)."""

    WARNING = "warning", _("警告")
    CRITICISM = "criticism", _("通报批评")
    FINE = "fine", _("罚款")
    CONFISCATE_INCOME = "confiscate_income", _("没收违法所得")
    CONFISCATE_PROPERTY = "confiscate_property", _("没收非法财物")
    SUSPEND_LICENCE = "suspend_licence", _("暂扣许可证件")
    LOWER_QUALIFICATION = "lower_qualification", _("降低资质等级")
    REVOKE_LICENCE = "revoke_licence", _("吊销许可证件")
    RESTRICT_ACTIVITIES = "restrict_activities", _("限制开展生产经营活动")
    STOP_PRODUCTION = "stop_production", _("责令停产停业")
    CLOSE = "close", _("责令关闭")
    RESTRICT_EMPLOYMENT = "restrict_employment", _("限制从业")
    DETENTION = "detention", _("行政拘留")
    OTHER = "other", _("其他行政处罚")


class RecordedActivity(models.TextChoices):
    """Activities of the 音像记录事项清单 (seed 000 annex 2, seed 004)."""

    ON_SITE_INSPECTION = "on_site_inspection", _("现场检查（勘验）")
    INTERVIEW = "interview", _("询问调查")
    EVIDENCE_PRESERVATION = "evidence_preservation", _("先行登记保存证据")
    SEIZURE = "seizure", _("查封、扣押")
    HEARING = "hearing", _("听证")
    FORCED_DEMOLITION = "forced_demolition", _("强制拆除")
    LIEN_SERVICE = "lien_service", _("留置送达")
    NOTICE_SERVICE = "notice_service", _("公告送达")
    ON_SPOT_FINE = "on_spot_fine", _("当场收缴罚款")
    CONFISCATION = "confiscation", _("当场没收、销毁物品")
    DISPUTE_CONTACT = "dispute_contact", _("易引发争议或当事人阻挠执法的现场")
    SAMPLING = "sampling", _("抽样取证")
    SERVICE = "service", _("直接送达")
    EXECUTION = "execution", _("强制执行")


class WithdrawalKind(models.TextChoices):
    """Why a decision is withdrawn after 复议/诉讼 (cases.Case.withdrawal_kind) and so its
    publication taken down (publicity): one list for both apps (issue #17 item 3)."""

    REVOKED = "revoked", _("撤销")
    CONFIRMED_ILLEGAL = "confirmed_illegal", _("确认违法")
    ORDERED_REDONE = "ordered_redone", _("责令重新作出")
