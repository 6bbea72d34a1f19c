"""Office pages for departments and people, and their Excel import/export."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access, accounts, downloads, roster, selectors, services
from ..errors import ApplicationError
from ..forms import DepartmentForm, PersonAccountForm, PersonForm, SpreadsheetUploadForm
from ..models import Department, Person


@access.require("department.read")
def department_list(request):
    organisation = selectors.current_organisation(request.user)
    departments = selectors.departments_for(request.user, organisation)
    return render(request, "appraisal/department_list.html", {
        "organisation": organisation, "departments": departments,
        "can_manage": access.can(request.user, "office.manage", organisation)})


@access.require("department.read")
def department_detail(request, pk):
    department = get_object_or_404(Department.objects.select_related("head", "organisation"), pk=pk)
    access.check(request.user, "department.read", department)
    return render(request, "appraisal/department_detail.html", {
        "department": department, "members": selectors.department_members(department),
        "can_manage": access.can(request.user, "office.manage", department)})


@access.require("office.manage")
def department_edit(request, pk=None):
    organisation = selectors.current_organisation(request.user)
    department = get_object_or_404(Department, pk=pk, organisation=organisation) if pk else None
    form = DepartmentForm(request.POST or None, instance=department, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.department_save(user=request.user, department=form.save(commit=False))
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("部门“%(name)s”已保存。") % {"name": saved.name})
            return redirect("department_detail", pk=saved.pk)
    return render(request, "appraisal/form_page.html", {
        "form": form, "title": _("编辑部门") if department else _("新建部门"),
        "back_url": "department_list"})


@access.require("person.read")
def person_list(request):
    organisation = selectors.current_organisation(request.user)
    department_id = request.GET.get("department") or None
    if department_id and not str(department_id).isdigit():
        department_id = None
    search = request.GET.get("q", "").strip()[:50]
    people = selectors.people_for(request.user, organisation, department_id=department_id, search=search)
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return render(request, "appraisal/person_list.html", {
        "organisation": organisation, "page": page, "search": search,
        "departments": selectors.departments_for(request.user, organisation),
        "department_id": int(department_id) if department_id else None,
        "can_manage": access.can(request.user, "office.manage", organisation)})


@access.require("person.read")
def person_detail(request, pk):
    person = get_object_or_404(Person.objects.select_related("department", "organisation", "user"), pk=pk)
    access.check(request.user, "person.read", person)
    return render(request, "appraisal/person_detail.html", {
        "person": person, "can_manage": access.can(request.user, "office.manage", person)})


@access.require("office.manage")
def person_edit(request, pk=None):
    organisation = selectors.current_organisation(request.user)
    person = get_object_or_404(Person, pk=pk, organisation=organisation) if pk else None
    form = PersonForm(request.POST or None, instance=person, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.person_save(user=request.user, person=form.save(commit=False))
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("人员“%(name)s”已保存。") % {"name": saved.name})
            return redirect("person_detail", pk=saved.pk)
    return render(request, "appraisal/form_page.html", {
        "form": form, "title": _("编辑人员") if person else _("新建人员"), "back_url": "person_list"})


@access.require("office.manage")
def roster_import(request, kind):
    if kind not in roster.TITLES:
        return redirect("department_list")
    organisation = selectors.current_organisation(request.user)
    form = SpreadsheetUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["file"].read()
        report = roster.roster_import(user=request.user, organisation=organisation, kind=kind, content=content,
                                      dry_run=request.POST.get("dry_run") == "1")
        if report.written:
            messages.success(request, _("导入完成：新增 %(c)d 条，更新 %(u)d 条。") % {
                "c": report.created, "u": report.updated})
            return redirect("department_list" if kind == "departments" else "person_list")
    return render(request, "appraisal/roster_import.html", {
        "form": form, "report": report, "kind": kind, "title": _(roster.TITLES[kind])})


@access.require("office.or_leader")
def roster_export(request, kind):
    if kind not in roster.TITLES:
        return redirect("department_list")
    organisation = selectors.current_organisation(request.user)
    content = roster.roster_export(user=request.user, organisation=organisation, kind=kind)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    day = f"{timezone.localdate():%Y%m%d}"
    return downloads.attach(response, f"{organisation.name}_{roster.TITLES[kind]}名册_{day}.xlsx",
                            f"{organisation.code}-{kind}-{day}.xlsx")


@access.require("accounts.link")
def person_account(request, pk):
    """Link a person record to a login account, or unlink it (audited; administrators' accounts refused)."""
    person = get_object_or_404(Person.objects.select_related("user", "organisation", "department"), pk=pk)
    access.check(request.user, "accounts.link", person)
    form = PersonAccountForm(request.POST or None, initial={"username": person.user.username if person.user else ""})
    if request.method == "POST" and form.is_valid():
        try:
            accounts.person_link(user=request.user, person=person, account=form.cleaned_data["account"],
                                 reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            form.add_error("username", error.message)
        else:
            messages.success(request, _("人员“%(name)s”的登录账号已更新。") % {"name": person.name})
            if access.can(request.user, "person.read", person):
                return redirect("person_detail", pk=person.pk)
            return redirect("account_list")
    return render(request, "appraisal/form_page.html", {
        "form": form, "title": _("关联登录账号：%(name)s") % {"name": person}, "back_url": "home"})
