"""Organisation: the agency tree, users and roles, officers and certificates (执法证)."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core.fields import EnforcementField  # noqa: F401  (re-exported)


class AgencyLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇级")


class AgencyKind(models.TextChoices):
    ENFORCEMENT = "enforcement", _("行政执法机关")
    SUPERVISOR = "supervisor", _("司法行政部门（执法监督）")


class AgencyQuerySet(models.QuerySet):
    def subtree_of(self, agency):
        return self.filter(path__startswith=agency.path)


class Agency(models.Model):
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path "/<id>/<id>/.../" for cheap subtree queries; set by services.
    path = models.CharField(_("路径"), max_length=255, db_index=True, editable=False, default="")
    level = models.CharField(_("层级"), max_length=16, choices=AgencyLevel.choices)
    kind = models.CharField(
        _("机关类别"), max_length=16, choices=AgencyKind.choices, default=AgencyKind.ENFORCEMENT
    )
    name = models.CharField(_("机关名称"), max_length=200)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    usci = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    region = models.CharField(_("管辖区域"), max_length=100)
    fields = models.JSONField(_("执法领域"), default=list, blank=True)
    address = models.CharField(_("地址"), max_length=255, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    complaint_channel = models.CharField(_("投诉举报渠道"), max_length=255, blank=True)
    office_hours = models.CharField(_("办公时间"), max_length=100, blank=True)
    review_all_general_penalties = models.BooleanField(
        _("一般程序行政处罚决定一律法制审核"), default=True
    )
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("执法主体")
        verbose_name_plural = _("执法主体")
        ordering = ["path"]

    def __str__(self):
        return self.name

    @property
    def is_supervisor(self):
        return self.kind == AgencyKind.SUPERVISOR

    def ancestors(self):
        ids = [int(x) for x in self.path.strip("/").split("/") if x]
        return Agency.objects.filter(id__in=ids).order_by("path")


class Role(models.TextChoices):
    HANDLER = "handler", _("承办人")
    REVIEWER = "reviewer", _("法制审核人员")
    HEAD = "head", _("机关负责人")
    SUPERVISOR = "supervisor", _("监督人员")
    ADMIN = "admin", _("系统管理员")


class User(AbstractUser):
    """A person who logs in. Belongs to one agency and holds one role."""

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("所属机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.HANDLER)
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self):
        return self.full_name or self.username

    def has_role(self, *roles):
        return self.is_active and (self.role in roles or self.is_superuser and Role.ADMIN in roles)


class Officer(models.Model):
    """An enforcement officer (执法人员). Usually linked to a login user."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("所属机关"), on_delete=models.PROTECT, related_name="officers"
    )
    user = models.OneToOneField(
        User,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officer",
    )
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=4, blank=True)
    id_number = models.CharField(_("居民身份证号码"), max_length=18, blank=True)
    position = models.CharField(_("职务"), max_length=60, blank=True)
    unit = models.CharField(_("所在科室"), max_length=100, blank=True)
    is_active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("执法人员")
        verbose_name_plural = _("执法人员")
        ordering = ["agency_id", "id"]

    def __str__(self):
        return self.name


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("有效")
    SUSPENDED = "suspended", _("暂扣")
    REVOKED = "revoked", _("吊销")


class Certificate(models.Model):
    """执法证. ``status`` changes only through org.services (each change is recorded)."""

    number = models.CharField(_("执法证号"), max_length=40, unique=True)
    officer = models.ForeignKey(
        Officer, verbose_name=_("持证人"), on_delete=models.PROTECT, related_name="certificates"
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("发证时所属机关"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    fields = models.JSONField(_("执法类别"), default=list)
    region = models.CharField(_("执法区域"), max_length=100)
    issued_on = models.DateField(_("发证日期"))
    expires_on = models.DateField(_("有效期至"))
    status = models.CharField(
        _("状态"), max_length=16, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    status_reason = models.CharField(_("状态原因"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("执法证")
        verbose_name_plural = _("执法证")
        ordering = ["number"]

    def __str__(self):
        return self.number

    @property
    def field_labels(self):
        labels = dict(EnforcementField.choices)
        return [str(labels.get(f, f)) for f in self.fields]


class CertificateEvent(models.Model):
    """History of a certificate: issue, suspend, reinstate, revoke. Append-only."""

    certificate = models.ForeignKey(
        Certificate, verbose_name=_("执法证"), on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=20)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16)
    reason = models.CharField(_("原因"), max_length=255, blank=True)
    actor = models.ForeignKey(
        User, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=50, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("执法证变更记录")
        verbose_name_plural = _("执法证变更记录")
        ordering = ["certificate_id", "id"]
