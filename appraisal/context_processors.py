"""Navigation: each role sees what it can do, computed from the same access rules as the views."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import access

# (section, label, url name, access rule, icon)
NAVIGATION = [
    (_("我的"), _("首页"), "home", "authenticated", "house"),
    (_("我的"), _("我的信息"), "person_self", "authenticated", "person"),
    (_("我的"), _("我的考核表"), "indicators:my_table", "staff.self", "table"),
    (_("我的"), _("成长档案"), "scoring:routine_file_self", "staff.self", "person-lines-fill"),
    (_("部门"), _("部门"), "department_list", "department.read", "diagram-3"),
    (_("部门"), _("人员"), "person_list", "office.or_leader", "people"),
    (_("纪实"), _("我的纪实"), "tracelog:mine", "tracelog.entry.write", "journal-check"),
    (_("纪实"), _("部门纪实"), "tracelog:entry_list", "tracelog.entry.read", "journal-richtext"),
    # one entry: the scoring pages carry their own tabs (民主测评, 工作量等级, 满意度测评 …) by role
    (_("测评"), _("测评"), "scoring:home", "scoring.enter", "clipboard-check"),
    (_("成绩"), _("我的成绩"), "results:mine", "staff.self", "bar-chart-line"),
    (_("成绩"), _("考核结果"), "results:overview", "office.or_leader", "trophy"),
    (_("成绩"), _("绩效之窗"), "results:window", "results.window", "window-stack"),
    (_("成绩"), _("预考核预警"), "results:warnings", "warning.work", "exclamation-triangle"),
    (_("成绩"), _("异议"), "periods:objection_list", "objection.read", "chat-left-dots"),
    (_("考核办"), _("考核年度与周期"), "year_list", "office.or_leader", "calendar3"),
    (_("考核办"), _("指标体系"), "indicators:home", "office.or_leader", "diagram-2"),
    (_("考核办"), _("运行状态"), "scoring:health", "system.health", "activity"),
    # 考核主体: the assessing departments' heads and designated accounts (the office from 指标体系)
    (_("评分"), _("指标评分"), "indicators:score_home", "scores.assessor", "pencil-square"),
    (_("管理"), _("账号管理"), "account_list", "accounts.manage", "person-gear"),
    (_("管理"), _("角色与权限"), "role_list", "roles.manage", "shield-lock"),
    (_("管理"), _("密码重置审批"), "password_reset_list", "password_reset.approve", "key"),
    (_("管理"), _("二次验证策略"), "otp_policy", "roles.manage", "phone-vibrate"),
    (_("管理"), _("审计日志"), "audit_log", "audit.read", "journal-text"),
    (_("管理"), _("后台管理"), "admin:index", "admin.site", "gear"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    actor = access.actor_for(user)
    items = []
    for section, label, url_name, rule, icon in NAVIGATION:
        if not access.can(user, rule):
            continue
        if url_name == "person_self":
            if not actor.person_id:
                continue
            url = reverse("person_detail", args=[actor.person_id])
        else:
            url = reverse(url_name)
        items.append({"section": section, "label": label, "url": url, "icon": icon,
                      "active": request.path == url or (url != "/" and request.path.startswith(url))})
    # only the most specific entry is active (/results/window/ is 绩效之窗, not 考核结果 at /results/)
    active = [item for item in items if item["active"]]
    longest = max((len(item["url"]) for item in active), default=0)
    for item in active:
        item["active"] = len(item["url"]) == longest
    from tracelog.selectors import unread_count

    # the sidebar groups the entries by section (in NAVIGATION's order); a section whose only entry
    # carries its own name (测评) needs no heading
    sections: list[dict] = []
    for item in items:
        if not sections or sections[-1]["label"] != item["section"]:
            sections.append({"label": item["section"], "items": []})
        sections[-1]["items"].append(item)
    for section in sections:
        only = section["items"][0] if len(section["items"]) == 1 else None
        section["heading"] = not (only and str(only["label"]) == str(section["label"]))
    return {"nav_items": items, "nav_sections": sections,
            "nav_roles": [access.ROLE_LABELS[r] for r in access.ROLE_LABELS if r in actor.roles],
            "unread_notifications": unread_count(user)}
