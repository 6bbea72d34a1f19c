"""The registry of audit event types: every code ``audit.record`` writes, with its label in words,
grouped for the audit administrator's picker. A test walks the sources and fails on a code
written anywhere that is missing here, so a new event type cannot reach the log unnamed."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# (group label, prefixes): the picker's groups, in this order; a code's group is its first match.
GROUPS = [
    (_("登录与账号"), ("auth.", "account.", "otp.", "role.", "access.")),
    (_("单位与人员"), ("organisation.", "department.", "departments.", "person.", "people.", "leave.", "assessor.",
                   "calendar.")),
    (_("考核年度与周期"), ("year.", "period.", "scheme.")),
    (_("指标与计分"), ("indicator.", "weights.", "plan.", "indicator_score.", "common_score.")),
    (_("测评"), ("peer_rating.", "workload.", "satisfaction.", "leadership.", "ballot.")),
    (_("平时考核"), ("routine.",)),
    (_("过程纪实"), ("tracelog.",)),
    (_("成绩、预警与异议"), ("scores.", "results.", "analysis.", "history.", "warning.", "objection.")),
    (_("系统"), ("audit.", "demo.", "backup.", "exchange.")),
]

EVENT_TYPES = {
    "access.denied": _("越权访问被拒绝"),
    "account.activate": _("启用账号"),
    "account.create": _("创建账号"),
    "account.deactivate": _("停用账号"),
    "account.password_reset": _("重置密码"),
    "account.password_reset_reject": _("拒绝密码重置申请"),
    "account.password_reset_request": _("申请重置密码"),
    "account.password_set": _("设置管理员密码"),
    "auth.lockout": _("账号锁定"),
    "auth.login": _("登录"),
    "auth.login_failed": _("登录失败"),
    "auth.logout": _("退出登录"),
    "auth.password_change": _("修改密码"),
    "otp.backup_codes": _("生成备用验证码"),
    "otp.enrol": _("绑定动态口令"),
    "otp.enrol_failed": _("绑定动态口令失败"),
    "otp.failed": _("动态口令验证失败"),
    "otp.policy": _("修改双因素认证要求"),
    "otp.remove": _("解除动态口令"),
    "otp.verified": _("动态口令验证通过"),
    "role.assign": _("分配角色"),
    "role.revoke": _("撤销角色"),
    "organisation.create": _("新建单位"),
    "organisation.update": _("修改单位"),
    "department.create": _("新建部门"),
    "department.update": _("修改部门"),
    "departments.import": _("导入部门"),
    "departments.export": _("导出部门"),
    "person.create": _("新增人员"),
    "person.update": _("修改人员"),
    "person.link_account": _("关联登录账号"),
    "people.import": _("导入人员"),
    "people.export": _("导出人员"),
    "leave.set": _("登记请假月数"),
    "assessor.designate": _("指定评分员"),
    "assessor.revoke": _("取消评分员"),
    "calendar.save": _("保存节假日安排"),
    "calendar.delete": _("删除节假日安排"),
    "year.open": _("开设考核年度"),
    "year.import": _("导入年度工作簿"),
    "year.export_input": _("导出年度工作簿"),
    "period.advance": _("推进考核周期"),
    "period.override": _("强制推进考核周期"),
    "period.reopen": _("重新开放考核周期"),
    "period.revert": _("退回考核周期"),
    "scheme.update": _("修改考核方案"),
    "indicator.create": _("新增指标"),
    "indicator.update": _("修改指标"),
    "indicator.delete": _("删除指标"),
    "weights.set": _("分配责任比重"),
    "plan.change": _("调整指标计划"),
    "plan.copy": _("复制指标计划"),
    "plan.import": _("导入指标计划"),
    "plan.export": _("导出指标计划"),
    "indicator_score.set": _("录入指标得分"),
    "indicator_score.delete": _("删除指标得分"),
    "indicator_score.submit": _("提交指标得分"),
    "indicator_score.review": _("审核指标得分"),
    "indicator_score.approve": _("通过指标得分"),
    "indicator_score.return": _("退回指标得分"),
    "indicator_score.correct": _("更正指标得分"),
    "common_score.set": _("录入共性指标得分"),
    "common_score.delete": _("删除共性指标得分"),
    "common_score.submit": _("提交共性指标得分"),
    "common_score.correct": _("更正共性指标得分"),
    "peer_rating.submit": _("提交民主测评"),
    "workload.set": _("评定工作量等级"),
    "workload.publish": _("公布工作量等级"),
    "workload.correct": _("更正工作量等级"),
    "satisfaction.open": _("发起满意度测评"),
    "satisfaction.close": _("结束满意度测评"),
    "satisfaction.rater_add": _("添加满意度评价人"),
    "satisfaction.link_create": _("生成满意度评价链接"),
    "satisfaction.submit": _("提交满意度评价"),
    "leadership.team_save": _("保存领导班子"),
    "leadership.report": _("提交述职报告"),
    "leadership.poll_open": _("发起班子测评"),
    "leadership.poll_close": _("结束班子测评"),
    "leadership.rater_add": _("添加班子测评人"),
    "leadership.link_create": _("生成班子测评链接"),
    "leadership.ballot": _("提交班子测评"),
    "leadership.override": _("调整班子测评得分"),
    "leadership.summary": _("保存班子考核结论"),
    "ballot.trace": _("追溯测评记录"),
    "routine.summary_save": _("保存季度小结"),
    "routine.summary_submit": _("提交季度小结"),
    "routine.peer_rate": _("同类互评"),
    "routine.superior_review": _("上级点评"),
    "routine.talk_held": _("记录谈话"),
    "routine.talk_close": _("谈话回访"),
    "routine.admonishment": _("诫勉谈话"),
    "routine.report_round": _("开启年度述职"),
    "routine.report": _("提交年度述职"),
    "routine.plan_save": _("保存发展计划"),
    "routine.plan_agree": _("确认发展计划"),
    "routine.peer_group_save": _("保存互评小组"),
    "routine.peer_group_delete": _("删除互评小组"),
    "tracelog.entry.create": _("新建纪实"),
    "tracelog.entry.submit": _("提交纪实"),
    "tracelog.entry.resubmit": _("重新提交纪实"),
    "tracelog.entry.return": _("退回纪实"),
    "tracelog.entry.review": _("批阅纪实"),
    "tracelog.evidence.attach": _("上传佐证材料"),
    "tracelog.evidence.delete": _("删除佐证材料"),
    "tracelog.deadlines.update": _("修改纪实填报期限"),
    "tracelog.statistics.export": _("导出纪实统计"),
    "scores.compute": _("计算成绩"),
    "scores.compute_requested": _("申请计算成绩"),
    "scores.compute_stalled": _("成绩计算中断"),
    "scores.republish": _("重新公布成绩"),
    "results.export": _("导出成绩"),
    "analysis.export": _("导出分析"),
    "history.record": _("归档年度成绩"),
    "history.grade": _("登记历史等次"),
    "history.department": _("登记部门历史成绩"),
    "warning.run": _("生成预警"),
    "warning.issue": _("发出预警"),
    "warning.answer": _("答复预警"),
    "warning.close": _("关闭预警"),
    "warning.dismiss": _("撤销预警"),
    "warning.reopen": _("重新打开预警"),
    "objection.file": _("提出异议"),
    "objection.accept": _("采纳异议"),
    "objection.reject": _("驳回异议"),
    "audit.verify": _("校验审计链"),
    "audit.purge": _("清理过期审计事件"),
    "exchange.job_stalled": _("导入导出任务中断"),
    "exchange.download": _("下载导出文件"),
    "demo.load": _("加载演示数据"),
    "backup.test": _("备份恢复校验"),
}


def label(code: str) -> str:
    """The event type in words; an unknown code (an old row, a test) as it was written."""
    return str(EVENT_TYPES[code]) if code in EVENT_TYPES else code


def group_of(code: str) -> int:
    for index, (_label, prefixes) in enumerate(GROUPS):
        if code.startswith(prefixes):
            return index
    return len(GROUPS) - 1


def choices() -> list:
    """The picker: every group first as “group: all” (its prefixes), then its event types."""
    grouped: list[list] = [[] for _ in GROUPS]
    for code in EVENT_TYPES:
        grouped[group_of(code)].append((code, label(code)))
    result = [("", _("全部事件"))]
    for (group_label, prefixes), items in zip(GROUPS, grouped):
        everything = ("group:" + ",".join(prefixes), _("%(group)s：全部") % {"group": group_label})
        result.append((group_label, [everything, *items]))
    return result


def action_filter(value: str) -> tuple[str, ...] | str:
    """A picked value as a filter: a group's prefixes or a typed prefix ``person.`` (a tuple), or one code."""
    if value.startswith("group:"):
        return tuple(p for p in value[len("group:"):].split(",") if p)
    if value.endswith("."):
        return (value,)
    return value
